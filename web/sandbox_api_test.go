package web

import (
	"encoding/json"
	"strings"
	"testing"

	"mpconsole/store"
)

type ridAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	Request struct {
		InvokeTime   int64  `json:"invoke_time"`
		CostInMS     int64  `json:"cost_in_ms"`
		RequestURL   string `json:"request_url"`
		RequestBody  string `json:"request_body"`
		ResponseBody string `json:"response_body"`
		ClientIP     string `json:"client_ip"`
	} `json:"request"`
}

// rid/get answers the real fields from the journal, with the secrets masked to their
// last 4 characters; only the same account may ask (76003); a malformed rid is 76002,
// an unknown one 76001.
func TestRidGet(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	refused := e.apiGet(t, tokenURL(e.acct.AppID, "0123456789abcdef0123456789abcdef"))
	rid := ridOf(t, refused)
	r := e.postAPI(t, "/cgi-bin/openapi/rid/get", token, map[string]string{"rid": rid})
	var got ridAnswer
	if err := json.Unmarshal([]byte(r.Raw), &got); err != nil || got.ErrCode != 0 || got.ErrMsg != "ok" {
		t.Fatalf("rid/get: %s", r.Raw)
	}
	q := got.Request
	if q.InvokeTime != e.clock.Now().Unix() || q.ClientIP != "127.0.0.1" || q.RequestBody != "" || q.ResponseBody != refused.Raw {
		t.Errorf("rid/get request = %+v; want invoke_time %d, 127.0.0.1, the refused answer", q, e.clock.Now().Unix())
	}
	wantURL := "appid=" + e.acct.AppID + "&grant_type=client_credential&secret=****cdef"
	if q.RequestURL != wantURL {
		t.Errorf("request_url %q, want %q (the query string, the secret masked)", q.RequestURL, wantURL)
	}

	ok := e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	e.st.FlushJournal()
	zero := 0
	found, err := e.st.SearchJournal(t.Context(), e.acct.ID, store.JournalQuery{Endpoint: "/cgi-bin/token", ErrCode: &zero})
	if err != nil || len(found) == 0 {
		t.Fatalf("the successful token call is not in the journal: %v", err)
	}
	r = e.postAPI(t, "/cgi-bin/openapi/rid/get", token, map[string]string{"rid": found[0].Rid})
	got = ridAnswer{}
	json.Unmarshal([]byte(r.Raw), &got)
	masked := `"access_token":"****` + ok.AccessToken[len(ok.AccessToken)-4:] + `"`
	if !strings.Contains(got.Request.ResponseBody, masked) || strings.Contains(r.Raw, ok.AccessToken) {
		t.Errorf("response_body %q; want the token masked as %s", got.Request.ResponseBody, masked)
	}

	admin2 := e.person("admin_two", "李四")
	other := e.account("other@example.com", admin2, "personal")
	otherToken, err := e.st.IssueAccessToken(t.Context(), store.APICall{AppID: other.AppID, Secret: e.appSecret(other, admin2)}, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/rid/get", otherToken.Token, map[string]string{"rid": rid}), 76003, "could not query this rid,no permission")
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/rid/get", token, map[string]string{"rid": "nope"}), 76002, "rid is error")
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/rid/get", token, map[string]string{"rid": "00000000-00000000-00000000"}), 76001, "rid not found")
	if strings.Contains(q.RequestURL, e.secret) {
		t.Error("the secret is in the journal")
	}
}

type quotaAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	Quota   struct {
		DailyLimit int `json:"daily_limit"`
		Used       int `json:"used"`
		Remain     int `json:"remain"`
	} `json:"quota"`
}

func (e *apiEnv) quota(t *testing.T, token, path string) quotaAnswer {
	t.Helper()
	r := e.postAPI(t, "/cgi-bin/openapi/quota/get", token, map[string]string{"cgi_path": path})
	var q quotaAnswer
	if err := json.Unmarshal([]byte(r.Raw), &q); err != nil || q.ErrCode != 0 || q.ErrMsg != "ok" {
		t.Fatalf("quota/get %s: %s", path, r.Raw)
	}
	return q
}

// quota/get answers the day's use of /cgi-bin/token against its 2,000; clear_quota sets
// it back to 0 (10 times a month, tested with the journal's reasons); an unknown path is
// 76021, a /sns/ path 76022 (with the real fullwidth comma); the quota panel shows the same.
func TestQuotaGetAndClear(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	q := e.quota(t, token, "/cgi-bin/token")
	if q.Quota.DailyLimit != 2000 || q.Quota.Used != 2 || q.Quota.Remain != 1998 {
		t.Errorf("quota %+v, want 2 used of 2000", q.Quota)
	}
	page := e.console(e.acct, e.admin).open("/dev/sandbox")
	row := page.doc.Find(`[data-testid="quota-row"][data-endpoint="/cgi-bin/token"]`)
	if row.Find(`[data-testid="quota-used"]`).Text() != "2" || row.Find(`[data-testid="quota-limit"]`).Text() != "2000" {
		t.Errorf("panel row: %q", row.Text())
	}
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/quota/get", token, map[string]string{"cgi_path": "/cgi-bin/nope"}), 76021, "cgi_path not found, please check")
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/quota/get", token, map[string]string{"cgi_path": "cgi-bin/token"}), 76021, "cgi_path not found, please check")
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/quota/get", token, map[string]string{"cgi_path": "/sns/jscode2session"}), 76022, "could not use this cgi_path，no permission")

	wantAPIErr(t, e.postAPI(t, "/cgi-bin/clear_quota", token, map[string]string{}), 41002, "appid missing")
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/clear_quota", token, map[string]string{"appid": "wx0000000000000000"}), 40013, "invalid appid")
	e.postAPI(t, "/cgi-bin/clear_quota", token, map[string]string{"appid": e.acct.AppID}).wantOK(t)
	if q := e.quota(t, token, "/cgi-bin/token"); q.Quota.Used != 0 || q.Quota.Remain != 2000 {
		t.Errorf("after clear_quota: %+v, want 0 used", q.Quota)
	}
	page = e.console(e.acct, e.admin).open("/dev/sandbox")
	if got := page.testid("quota-clears"); got != "Cleared 1 of 10 times this month (/cgi-bin/clear_quota)." {
		t.Errorf("panel: %q", got)
	}
	r := e.apiDo(t, nil, "GET", "/cgi-bin/clear_quota?access_token="+token, "")
	wantAPIErr(t, r, 43002, "require POST method")
}

// No secret, token, code or session key reaches the journal's table whole: the query,
// a JSON body and the answers are masked to their last 4 characters.
func TestJournalStoresNoSecrets(t *testing.T) {
	e := newAPIEnv(t)
	tok := e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	stable := e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", stableBody(e.acct.AppID, e.secret, false))
	code := e.code(e.admin)
	sess := e.apiGet(t, sessionURL(e.acct.AppID, e.secret, code))
	e.st.FlushJournal()
	if n := e.query(`SELECT count(*) FROM api_journal`); n != 3 {
		t.Fatalf("%d journal rows, want 3", n)
	}
	for name, v := range map[string]string{"secret": e.secret, "token": tok.AccessToken, "stable token": stable.AccessToken,
		"js_code": code, "session_key": sess.SessionKey} {
		if v == "" {
			t.Fatalf("no %s to look for", name)
		}
		n := e.query(`SELECT count(*) FROM api_journal WHERE instr(request_url || request_body || response_body, ?) > 0`, v)
		if n != 0 {
			t.Errorf("the %s is stored whole in %d journal rows", name, n)
		}
	}
	if n := e.query(`SELECT count(*) FROM api_journal WHERE request_body LIKE '%"secret":"****%'`); n != 1 {
		t.Errorf("%d stable_token bodies with the secret masked, want 1", n)
	}
}

// The CI upload (a multipart package with the upload key) is no WeChat API call: it is
// not journaled, so its key never reaches the journal. An unknown path of the API is
// (40066, HTTP 404), under no account.
func TestJournalLeavesCIUploadOut(t *testing.T) {
	e := newAPIEnv(t)
	e.call(t, "GET", "/cgi-bin/nope", "", "")
	e.call(t, "POST", "/ci/v1/upload", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nsecret-upload-key\r\n--x--\r\n")
	e.st.FlushJournal()
	if n := e.query(`SELECT count(*) FROM api_journal WHERE endpoint LIKE '/ci/%'`); n != 0 {
		t.Errorf("%d CI uploads journaled", n)
	}
	if n := e.query(`SELECT count(*) FROM api_journal WHERE endpoint = '/cgi-bin/nope' AND errcode = 40066 AND status = 404 AND account_id IS NULL`); n != 1 {
		t.Errorf("the unknown path is journaled %d times (want once, under no account)", n)
	}
}
