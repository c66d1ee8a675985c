package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// rawGet is an API call whose answer may not be JSON.
func (e *apiEnv) rawGet(t *testing.T, path string) (int, string, string) {
	t.Helper()
	res, err := http.Get(e.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

func (e *apiEnv) rule(t *testing.T, f store.FaultForm) store.FaultRule {
	t.Helper()
	r, err := e.st.AddFaultRule(context.Background(), e.acct.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// lastEntry is the account's newest journal entry.
func (e *apiEnv) lastEntry(t *testing.T) store.JournalEntry {
	t.Helper()
	e.st.FlushJournal()
	es, err := e.st.SearchJournal(context.Background(), e.acct.ID, store.JournalQuery{})
	if err != nil || len(es) == 0 {
		t.Fatalf("no journal entry: %v", err)
	}
	return es[0]
}

// Fault rules answer through the API's one middleware: an errcode with the real errmsg
// and a rid, an nginx 502 page, half of the real answer, or no answer; each marked in the
// journal with its rule.
func TestFaultAnswers(t *testing.T) {
	e := newAPIEnv(t)
	path := tokenURL(e.acct.AppID, e.secret)

	r := e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultErrcode, ErrCode: "-1", Count: "1"})
	wantAPIErr(t, e.apiGet(t, path), -1, "system error")
	if got := e.lastEntry(t); got.FaultRule != r.ID || got.ErrCode != -1 || got.Reason != store.ReasonFault {
		t.Errorf("journal entry %+v, want rule %d, -1", got, r.ID)
	}
	e.apiGet(t, path).wantToken(t)

	r = e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultHTML502, Count: "1"})
	status, ct, body := e.rawGet(t, path)
	if status != http.StatusBadGateway || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "<title>502 Bad Gateway</title>") {
		t.Errorf("html_502: %d %q %q", status, ct, body)
	}
	if got := e.lastEntry(t); got.FaultRule != r.ID || got.Status != 502 {
		t.Errorf("journal entry %+v, want rule %d, status 502", got, r.ID)
	}

	r = e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultTruncatedJSON, Count: "1"})
	status, _, body = e.rawGet(t, path)
	var v map[string]any
	if status != http.StatusOK || !strings.HasPrefix(body, `{"access_token":"`) || json.Unmarshal([]byte(body), &v) == nil {
		t.Errorf("truncated_json: %d %q, want the start of a token answer that is not JSON", status, body)
	}
	if got := e.lastEntry(t); got.FaultRule != r.ID || got.Reason != store.ReasonFault+"_truncated_json" {
		t.Errorf("journal entry %+v, want rule %d", got, r.ID)
	}

	r = e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultTimeout, Count: "1"})
	hc := &http.Client{Timeout: 300 * time.Millisecond}
	if res, err := hc.Get(e.http.URL + path); err == nil {
		res.Body.Close()
		t.Errorf("timeout: answered %d", res.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.lastEntry(t).FaultRule != r.ID && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := e.lastEntry(t); got.FaultRule != r.ID || got.Reason != store.ReasonFault+"_timeout" {
		t.Errorf("journal entry %+v, want rule %d", got, r.ID)
	}
	e.apiGet(t, path).wantToken(t)
}

// A rule's latency is added before its answer (a lower bound: the call takes at least
// that long).
func TestFaultLatency(t *testing.T) {
	e := newAPIEnv(t)
	e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultErrcode, ErrCode: "45011", Count: "1", LatencyMS: "300"})
	start := time.Now()
	wantAPIErr(t, e.apiGet(t, tokenURL(e.acct.AppID, e.secret)), 45011, "api minute-quota reach limit, must slower, retry next minute")
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("the call took %v, want at least the rule's 300 ms", d)
	}
}

// Rules of calls behind an access token find the account by the token.
func TestFaultBehindToken(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/openapi/quota/get", Kind: store.FaultErrcode, ErrCode: "40164", Count: "1"})
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/quota/get", token, map[string]string{"cgi_path": "/cgi-bin/token"}), 40164,
		"invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist")
}

func (r apiResp) wantToken(t *testing.T) {
	t.Helper()
	if r.ErrCode != 0 || r.AccessToken == "" {
		t.Fatalf("got %s, want a token", r.Raw)
	}
}
