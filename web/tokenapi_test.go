package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// tokenEndpoints are the calls behind an access token (SPEC §17), each with a body that
// gets past the body checks.
var tokenEndpoints = []struct{ method, path, body string }{
	{"POST", "/wxa/business/getuserphonenumber", `{"code":"x"}`},
	{"GET", "/wxaapi/newtmpl/gettemplate", ""},
	{"POST", "/wxaapi/newtmpl/addtemplate", `{"tid":"1458","kidList":[1,2]}`},
	{"POST", "/wxaapi/newtmpl/deltemplate", `{"priTmplId":"x"}`},
	{"POST", "/cgi-bin/message/subscribe/send", `{"touser":"x","template_id":"y"}`},
	{"POST", "/wxa/getwxacodeunlimit", `{"scene":"a","check_path":false}`},
	{"POST", "/wxa/getwxacode", `{"path":"pages/index/index"}`},
	{"POST", "/cgi-bin/wxaapp/createwxaqrcode", `{"path":"pages/index/index"}`},
	{"POST", "/wxa/msg_sec_check", `{"content":"hi","version":2,"scene":1,"openid":"x"}`},
	{"POST", "/datacube/getweanalysisappiddailysummarytrend", `{"begin_date":"20000101","end_date":"20000102"}`},
	{"POST", "/datacube/getweanalysisappiddailyvisittrend", `{"begin_date":"20000101","end_date":"20000102"}`},
}

const (
	msgInvalidCredential = "invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r rid: "
	msgTokenExpired      = "access_token expired rid: "
	msgTokenMissing      = "access_token missing rid: "
)

// withToken adds access_token to path.
func withToken(path, token string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "access_token=" + url.QueryEscape(token)
}

// passed tells that the token check let a call through: an image, or any errcode but the
// token's.
func passed(t *testing.T, r callResp) bool {
	t.Helper()
	if r.Header.Get("Content-Type") == "image/jpeg" {
		return true
	}
	switch fmt.Sprint(r.fields(t)["errcode"]) {
	case "40001", "41001", "42001", "<nil>":
		return false
	}
	return true
}

// Every call behind an access token: none is 41001, an unknown token 40001; a token
// replaced by a new /cgi-bin/token call works 5 more minutes, then 40001; a token that
// ran its 7,200 s is 42001 — on the injected clock. A stable token works the same.
func TestAPIAccessTokenChecks(t *testing.T) {
	e := newAPIEnv(t)
	for _, ep := range tokenEndpoints {
		t.Run(ep.path, func(t *testing.T) {
			e.call(t, ep.method, ep.path, "", ep.body).wantErrcode(t, 41001, msgTokenMissing)
			e.call(t, ep.method, ep.path+"?access_token=", "", ep.body).wantErrcode(t, 41001, msgTokenMissing)
			e.call(t, ep.method, withToken(ep.path, strings.Repeat("A", 86)), "", ep.body).wantErrcode(t, 40001, msgInvalidCredential)

			old := e.token()
			if r := e.call(t, ep.method, withToken(ep.path, old), "", ep.body); !passed(t, r) {
				t.Fatalf("a fresh token was refused: %s", r.Raw)
			}
			current := e.token()
			e.clock.Advance(5*time.Minute - time.Second)
			if r := e.call(t, ep.method, withToken(ep.path, old), "", ep.body); !passed(t, r) {
				t.Fatalf("a token replaced 4:59 ago was refused: %s", r.Raw)
			}
			e.clock.Advance(time.Second)
			e.call(t, ep.method, withToken(ep.path, old), "", ep.body).wantErrcode(t, 40001, msgInvalidCredential)
			if r := e.call(t, ep.method, withToken(ep.path, current), "", ep.body); !passed(t, r) {
				t.Fatalf("the current token was refused: %s", r.Raw)
			}
			e.clock.Advance(7200*time.Second - 5*time.Minute - time.Second)
			if r := e.call(t, ep.method, withToken(ep.path, current), "", ep.body); !passed(t, r) {
				t.Fatalf("a token at 7,199 s was refused: %s", r.Raw)
			}
			e.clock.Advance(time.Second)
			e.call(t, ep.method, withToken(ep.path, current), "", ep.body).wantErrcode(t, 42001, msgTokenExpired)

			stable, err := e.st.StableAccessToken(context.Background(), store.APICall{AppID: e.acct.AppID, Secret: e.secret}, true)
			if err != nil {
				t.Fatal(err)
			}
			if r := e.call(t, ep.method, withToken(ep.path, stable.Token), "", ep.body); !passed(t, r) {
				t.Fatalf("a stable token was refused: %s", r.Raw)
			}
			e.clock.Advance(7200 * time.Second)
			e.call(t, ep.method, withToken(ep.path, stable.Token), "", ep.body).wantErrcode(t, 42001, msgTokenExpired)
			e.clock.Advance(31 * time.Second) // the next forced stable refresh is allowed
		})
	}
}

// A POST-only call answers its other methods with the real 43002, gettemplate its other
// methods with 43001; both as HTTP 200 JSON, token or not.
func TestAPIWrongMethod(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	for _, ep := range tokenEndpoints {
		others, code, msg := []string{"GET", "PUT", "PATCH", "DELETE"}, 43002, "require POST method rid: "
		if ep.method == "GET" {
			others, code, msg = []string{"POST", "PUT", "PATCH", "DELETE"}, 43001, "require GET method rid: "
		}
		for _, m := range others {
			e.call(t, m, withToken(ep.path, token), "", ep.body).wantErrcode(t, code, msg)
			e.call(t, m, ep.path, "", ep.body).wantErrcode(t, code, msg)
		}
		if ep.method == "POST" {
			if r := e.call(t, "HEAD", withToken(ep.path, token), "", ""); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/json; encoding=utf-8" {
				t.Errorf("HEAD %s: %d %q", ep.path, r.Status, r.Header.Get("Content-Type"))
			}
		}
	}
}

// A body that is empty or not a JSON object of the call's fields gets the errcode the real
// API gives that call: 44002 and 47001 in general, 40169 and 40159 for the codes ("…or the
// data is not json string"), 200014 "missing parameter tid" for addtemplate (which also
// takes a form).
func TestAPIBodyNotJSON(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	const (
		empty   = "empty post data rid: "
		format  = "data format error rid: "
		scene   = "invalid length for scene, or the data is not json string rid: "
		path    = "invalid length for path, or the data is not json string rid: "
		nothing = "missing parameter tid rid: "
	)
	notJSON := []string{"code=x", `{"code":`, `[]`, `"text"`, `{"a":1} {"b":2}`}
	for _, tc := range []struct {
		path, wrongType   string
		emptyCode, noCode int
		emptyMsg, noMsg   string
	}{
		{"/wxa/business/getuserphonenumber", `{"code":12}`, 44002, 47001, empty, format},
		{"/wxaapi/newtmpl/deltemplate", `{"priTmplId":["x"]}`, 44002, 47001, empty, format},
		{"/cgi-bin/message/subscribe/send", `{"touser":1}`, 44002, 47001, empty, format},
		{"/wxa/msg_sec_check", `{"content":"hi","version":"two","scene":1,"openid":"x"}`, 44002, 47001, empty, format},
		{"/wxa/getwxacodeunlimit", `{"scene":"a","width":"big"}`, 40169, 40169, scene, scene},
		{"/wxa/getwxacode", `{"path":"pages/index/index","check_path":"no"}`, 40159, 40159, path, path},
		{"/cgi-bin/wxaapp/createwxaqrcode", `{"path":7}`, 40159, 40159, path, path},
		{"/wxaapi/newtmpl/addtemplate", `{"tid":`, 200014, 200014, nothing, nothing},
	} {
		for _, body := range []string{"", " \n"} {
			e.call(t, "POST", withToken(tc.path, token), "application/json", body).wantErrcode(t, tc.emptyCode, tc.emptyMsg)
		}
		for _, body := range append(notJSON, tc.wrongType) {
			e.call(t, "POST", withToken(tc.path, token), "application/json", body).wantErrcode(t, tc.noCode, tc.noMsg)
		}
	}
}

// callCounts is today's API calls of the account by "endpoint outcome", as /stats counts them.
func (e *apiEnv) callCounts() map[string]int {
	e.t.Helper()
	st, err := e.st.Stats(context.Background(), e.acct.ID, 7)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]int{}
	for _, c := range st.Days[len(st.Days)-1].Calls {
		out[c.Endpoint+" "+c.Outcome] += c.Calls
	}
	return out
}

// Every call behind an access token is counted for /stats under its endpoint and outcome,
// the refusals the web layer decides (the body, a tid, the version, a replaced or expired
// token) too; a call whose token names no account (none, or unknown) cannot be.
func TestAPICallsCounted(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	before := e.callCounts()
	get := func(tok string) callResp { return e.call(t, "GET", withToken(pathGetTemplates, tok), "", "") }
	post := func(path, body string) callResp {
		return e.call(t, "POST", withToken(path, token), "application/json", body)
	}
	get(token).wantOK(t)
	post("/wxa/business/getuserphonenumber", `{"code":"nosuch"}`).wantErrcode(t, 40029, "invalid code rid: ")
	post("/wxa/business/getuserphonenumber", ``).wantErrcode(t, 44002, "empty post data rid: ")
	post("/wxa/business/getuserphonenumber", `code=1`).wantErrcode(t, 47001, "data format error rid: ")
	post(pathAddTemplate, `{"kidList":[1,2]}`).wantErrcode(t, 200014, "missing parameter tid rid: ")
	post(pathSecCheck, `{"content":"hi","version":1}`).wantErrcode(t, 40097, "invalid args rid: ")
	post(pathUnlimit, `scene=a`).wantErrcode(t, 40169, msgSceneLen)
	scanCode(t, post(pathUnlimit, `{"scene":"a","check_path":false}`))
	e.call(t, "GET", pathGetTemplates, "", "").wantErrcode(t, 41001, msgTokenMissing)
	get(strings.Repeat("A", 86)).wantErrcode(t, 40001, msgInvalidCredential)
	e.call(t, "GET", withToken(pathUnlimit, token), "", "").wantErrcode(t, 43002, "require POST method rid: ")
	e.token()
	e.clock.Advance(5 * time.Minute)
	get(token).wantErrcode(t, 40001, msgInvalidCredential)
	e.clock.Advance(7200 * time.Second)
	get(token).wantErrcode(t, 42001, msgTokenExpired)

	got := e.callCounts()
	want := map[string]int{
		"/wxaapi/newtmpl/gettemplate ok":         1,
		"/wxaapi/newtmpl/gettemplate 40001":      1,
		"/wxaapi/newtmpl/gettemplate 42001":      1,
		"/wxa/business/getuserphonenumber 40029": 1,
		"/wxa/business/getuserphonenumber 44002": 1,
		"/wxa/business/getuserphonenumber 47001": 1,
		"/wxaapi/newtmpl/addtemplate 200014":     1,
		"/wxa/msg_sec_check 40097":               1,
		"/wxa/getwxacodeunlimit 40169":           1,
		"/wxa/getwxacodeunlimit ok":              1,
	}
	for k, n := range got {
		got[k] = n - before[k]
		if got[k] == 0 {
			delete(got, k)
		}
	}
	delete(got, "/cgi-bin/token ok") // the tokens this test asked for
	if !maps.Equal(got, want) {
		t.Fatalf("counted %v\nwant    %v", got, want)
	}
}
