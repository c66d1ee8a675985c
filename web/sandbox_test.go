package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// ridOf is the rid an errmsg ends with.
func ridOf(t *testing.T, r apiResp) string {
	t.Helper()
	_, rid, ok := strings.Cut(r.ErrMsg, " rid: ")
	if !ok {
		t.Fatalf("no rid in %s", r.Raw)
	}
	return rid
}

// journalFor opens the sandbox page's journal searched for rid, as the administrator.
func (e *apiEnv) journalFor(t *testing.T, rid string) resp {
	t.Helper()
	e.st.FlushJournal()
	r := e.console(e.acct, e.admin).open("/dev/sandbox?rid=" + url.QueryEscape(rid))
	wantStatus(t, r, http.StatusOK)
	if n := r.doc.Find(`[data-testid="journal-entry"][data-rid="` + rid + `"]`).Length(); n != 1 {
		t.Fatalf("the journal shows %d entries of rid %s", n, rid)
	}
	return r
}

// postAPI posts a JSON body to an endpoint behind an access token.
func (e *apiEnv) postAPI(t *testing.T, path, token string, body any) apiResp {
	t.Helper()
	b, _ := json.Marshal(body)
	return e.apiDo(t, nil, "POST", path+"?access_token="+url.QueryEscape(token), string(b))
}

// Every refusal the API gives for a known account is explained in words in the journal,
// each produced by a real refused call (SPEC §18). Times are China time (the test clock
// starts at 09:00 UTC, 17:00 in China).
func TestJournalReasons(t *testing.T) {
	const wrongSecret = "0123456789abcdef0123456789abcdef"
	cases := []struct {
		name   string
		call   func(e *apiEnv) apiResp
		code   int
		msg    string
		reason string
	}{
		{"secret matches nothing", func(e *apiEnv) apiResp { return e.apiGet(e.t, tokenURL(e.acct.AppID, wrongSecret)) },
			40125, "invalid appsecret", "The secret matches neither the current AppSecret nor any replaced one."},
		{"secret replaced", func(e *apiEnv) apiResp {
			old := e.secret
			e.clock.Advance(41 * time.Minute)
			e.appSecret(e.acct, e.admin)
			return e.apiGet(e.t, tokenURL(e.acct.AppID, old))
		}, 40125, "invalid appsecret", "The secret matches the one replaced at 2026-03-10 17:41:00, not the current one."},
		{"secret frozen", func(e *apiEnv) apiResp {
			e.exec(`UPDATE app_secrets SET frozen = 1, frozen_changed_at = '2026-03-10T09:00:00.000000000Z'`)
			return e.apiGet(e.t, tokenURL(e.acct.AppID, e.secret))
		}, 40243, "AppSecret已被冻结，请登录小程序平台解冻后再次调用。", "The AppSecret is frozen since 2026-03-10 17:00:00."},
		{"IP not whitelisted", func(e *apiEnv) apiResp {
			if err := e.st.SetIPWhitelist(context.Background(), e.acct.ID, e.admin.ID, []string{"10.1.2.*", "192.168.0.0/16"}); err != nil {
				e.t.Fatal(err)
			}
			return e.apiGet(e.t, tokenURL(e.acct.AppID, e.secret))
		}, 40164, "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist", "127.0.0.1 is not in the IP whitelist [10.1.2.*, 192.168.0.0/16]."},
		{"code used", func(e *apiEnv) apiResp {
			code := e.code(e.admin)
			e.apiGet(e.t, sessionURL(e.acct.AppID, e.secret, code))
			e.clock.Advance(5 * time.Second)
			return e.apiGet(e.t, sessionURL(e.acct.AppID, e.secret, code))
		}, 40029, "invalid code", "The js_code was used at 2026-03-10 17:00:00 by this AppID."},
		{"code expired", func(e *apiEnv) apiResp {
			code := e.code(e.admin)
			e.clock.Advance(5 * time.Minute)
			return e.apiGet(e.t, sessionURL(e.acct.AppID, e.secret, code))
		}, 40029, "invalid code", "The js_code expired at 2026-03-10 17:05:00 (codes last 5 minutes)."},
		{"code of another app", func(e *apiEnv) apiResp {
			other := e.account("other@example.com", e.admin, "personal")
			c, err := e.st.OpenApp(context.Background(), e.admin.ID, other.AppID, "")
			if err != nil {
				e.t.Fatal(err)
			}
			e.t.Setenv("OTHER_APPID", other.AppID)
			return e.apiGet(e.t, sessionURL(e.acct.AppID, e.secret, c.Code))
		}, 40029, "invalid code", "The js_code belongs to another mini program, $OTHER_APPID."},
		{"code never issued", func(e *apiEnv) apiResp { return e.apiGet(e.t, sessionURL(e.acct.AppID, e.secret, wrongSecret)) },
			40029, "invalid code", "This js_code was never issued."},
		{"token quota", func(e *apiEnv) apiResp {
			e.restart(Options{TokenDailyQuota: 2})
			e.apiGet(e.t, tokenURL(e.acct.AppID, e.secret))
			e.apiGet(e.t, tokenURL(e.acct.AppID, e.secret))
			return e.apiGet(e.t, tokenURL(e.acct.AppID, e.secret))
		}, 45009, "reach max api daily quota limit", "2 access tokens were issued today: the daily limit is 2."},
		{"token replaced", func(e *apiEnv) apiResp {
			old := e.token()
			e.token()
			e.clock.Advance(5*time.Minute + time.Second)
			return e.postAPI(e.t, "/cgi-bin/openapi/quota/get", old, map[string]string{"cgi_path": "/cgi-bin/token"})
		}, 40001, "invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r",
			"The access_token was replaced by a newer one; its grace period ended at 2026-03-10 17:05:00."},
		{"token expired", func(e *apiEnv) apiResp {
			tok := e.token()
			e.clock.Advance(7200 * time.Second)
			return e.postAPI(e.t, "/cgi-bin/openapi/quota/get", tok, map[string]string{"cgi_path": "/cgi-bin/token"})
		}, 42001, "access_token expired", "The access_token expired at 2026-03-10 19:00:00."},
		{"fault rule", func(e *apiEnv) apiResp {
			rule, err := e.st.AddFaultRule(context.Background(), e.acct.ID, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultErrcode, ErrCode: "45009", Count: "1"})
			if err != nil {
				e.t.Fatal(err)
			}
			e.t.Setenv("RULE", itoa(int(rule.ID)))
			return e.apiGet(e.t, tokenURL(e.acct.AppID, e.secret))
		}, 45009, "reach max api daily quota limit", "Fault rule $RULE injected 45009."},
		{"clear_quota 11th time", func(e *apiEnv) apiResp {
			tok := e.token()
			for range 10 {
				e.postAPI(e.t, "/cgi-bin/clear_quota", tok, map[string]string{"appid": e.acct.AppID}).wantOK(e.t)
			}
			return e.postAPI(e.t, "/cgi-bin/clear_quota", tok, map[string]string{"appid": e.acct.AppID})
		}, 48006, "forbid to clear quota because of reaching the limit", "The 10 clears of this month are used up."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newAPIEnv(t)
			r := c.call(e)
			wantAPIErr(t, r, c.code, c.msg)
			page := e.journalFor(t, ridOf(t, r))
			entry := page.doc.Find(`[data-testid="journal-entry"]`)
			if got := entry.AttrOr("data-errcode", ""); got != itoa(c.code) {
				t.Errorf("journal errcode %s, want %d", got, c.code)
			}
			if got, want := strings.TrimSpace(entry.Find(`[data-testid="journal-reason"]`).Text()), os.ExpandEnv(c.reason); got != want {
				t.Errorf("reason %q, want %q", got, want)
			}
		})
	}
}

func (r apiResp) wantOK(t *testing.T) {
	t.Helper()
	if r.ErrCode != 0 || r.ErrMsg != "ok" {
		t.Fatalf("got %s, want errcode 0 ok", r.Raw)
	}
}
