package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"mpconsole/store"
	"mpconsole/web/sandboxapi"
)

// openAPIOp is what the walk reads of one operation of the document.
type openAPIOp struct {
	Parameters []struct {
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
		Example  any    `json:"example"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Example map[string]any `json:"example"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]json.RawMessage `json:"responses"`
	Security  *[]map[string][]string     `json:"security"`
}

func openAPIPaths(t *testing.T) map[string]map[string]openAPIOp {
	t.Helper()
	var doc struct {
		OpenAPI string                          `json:"openapi"`
		Paths   map[string]map[string]openAPIOp `json:"paths"`
	}
	if err := json.Unmarshal(sandboxapi.OpenAPIDoc(), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("document: %v, openapi %q", err, doc.OpenAPI)
	}
	return doc.Paths
}

// The document served is the embedded one, and every path and method in it answers, with a
// valid token and the body of its example, a documented success: neither 404 nor 405. The
// examples name the fixture's people; the path ids are the fixture's rule and snapshot.
// Every operation but the document refuses a call without a token with 401.
func TestSandboxOpenAPIWalk(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	tok := e.sbToken(e.acct, e.admin)
	if r := e.sb(t, "GET", "/sandbox/v1/openapi.json", "", nil); r.Status != http.StatusOK || r.Raw != string(sandboxapi.OpenAPIDoc()) {
		t.Fatalf("served document: %d", r.Status)
	}
	for _, id := range []string{"ci_alice", "ci_bob"} {
		if _, err := e.st.CreateSandboxPerson(ctx, e.acct.ID, store.NewPerson{WechatID: id, Nickname: id, Phone: "13800138000"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.st.AddMemberAtOnce(ctx, e.acct.ID, "ci_alice", store.KindProject, []string{"developer"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SandboxLoginCode(ctx, e.acct.ID, "ci_alice", ""); err != nil {
		t.Fatal(err)
	}
	tmpl, err := e.st.AddMessageTemplateAs(ctx, e.acct.ID, e.admin.ID, 1458, []int{1, 2, 3, 5}, "")
	if err != nil {
		t.Fatal(err)
	}
	rule := e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultHTML502, Count: "1"})
	snap, err := e.st.CreateSnapshot(ctx, e.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{"/faults/{id}": rule.ID, "/snapshots/{id}/restore": snap.ID}

	paths := openAPIPaths(t)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	slices.Sort(names)
	walked := 0
	for _, p := range names {
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			op, ok := paths[p][method]
			if !ok {
				continue
			}
			walked++
			path, q := "/sandbox/v1"+strings.ReplaceAll(p, "{id}", fmt.Sprint(ids[p])), url.Values{}
			for _, prm := range op.Parameters {
				if prm.In == "query" && prm.Example != nil {
					q.Set(prm.Name, fmt.Sprint(prm.Example))
				}
			}
			if len(q) > 0 {
				path += "?" + q.Encode()
			}
			var body any
			if op.RequestBody != nil {
				ex := op.RequestBody.Content["application/json"].Example
				if ex["template_id"] != nil {
					ex["template_id"] = tmpl
				}
				body = ex
			}
			r := e.sb(t, strings.ToUpper(method), path, tok, body)
			if _, documented := op.Responses[fmt.Sprint(r.Status)]; !documented || r.Status/100 != 2 {
				t.Errorf("%s %s: %d %s, want a documented success", method, p, r.Status, r.Raw)
			}
			public := op.Security != nil && len(*op.Security) == 0
			if _, says401 := op.Responses["401"]; public == says401 {
				t.Errorf("%s %s: public %v but 401 documented %v", method, p, public, says401)
			}
			if !public {
				wantSB(t, method+" "+p+" without a token", e.sb(t, strings.ToUpper(method), path, "", body), http.StatusUnauthorized, "missing_token")
			}
		}
	}
	if walked < 15 {
		t.Errorf("walked %d operations, want the 15 of SPEC §18's list and the document", walked)
	}
}

// Every route under /sandbox/v1 is an operation of the document: a new endpoint cannot
// be added without describing it.
func TestSandboxOpenAPICoversRoutes(t *testing.T) {
	e := newEnv(t)
	paths := openAPIPaths(t)
	param := regexp.MustCompile(`:(\w+)`)
	n := 0
	for _, r := range e.srv.echo.Routes() {
		p, ok := strings.CutPrefix(r.Path, sandboxapi.Prefix)
		if !ok {
			continue
		}
		n++
		p = param.ReplaceAllString(p, "{$1}")
		if _, ok := paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
		}
	}
	if n == 0 {
		t.Fatal("no route under /sandbox/v1")
	}
}

// From CI's side: a token creates a person, gets a js_code, and the real jscode2session
// with the account's AppID and secret answers that person's openid; a fault rule set
// through the API answers the next token call with its errcode, and the journal read
// through the API marks the entry with the rule. The token is nowhere in the database.
func TestSandboxAPIEndToEnd(t *testing.T) {
	e := newAPIEnv(t)
	c := e.console(e.acct, e.admin)
	tok, _ := sandboxToken(t, c, "backend CI", false)

	r := e.sb(t, "POST", "/sandbox/v1/people", tok, map[string]any{"wechat_id": "ci_eve", "nickname": "Eve"})
	wantSB(t, "person", r, http.StatusCreated, "")
	openid := r.Body["openid"]
	wantSB(t, "member", e.sb(t, "POST", "/sandbox/v1/members", tok, map[string]any{"wechat_id": "ci_eve", "kind": "experience"}), http.StatusCreated, "")
	r = e.sb(t, "POST", "/sandbox/v1/login-codes", tok, map[string]any{"wechat_id": "ci_eve"})
	wantSB(t, "login code", r, http.StatusCreated, "")
	s := e.apiGet(t, sessionURL(e.acct.AppID, e.secret, fmt.Sprint(r.Body["js_code"])))
	if s.ErrCode != 0 || s.OpenID == "" || s.OpenID != openid {
		t.Fatalf("jscode2session: %s, want openid %v", s.Raw, openid)
	}

	r = e.sb(t, "POST", "/sandbox/v1/faults", tok, map[string]any{"endpoint": "/cgi-bin/token", "kind": "errcode", "errcode": 45009, "count": 1})
	wantSB(t, "fault rule", r, http.StatusCreated, "")
	rule := r.Body["id"]
	if got := e.apiGet(t, tokenURL(e.acct.AppID, e.secret)); got.ErrCode != 45009 {
		t.Fatalf("token call under the rule: %s", got.Raw)
	}
	if got := e.apiGet(t, tokenURL(e.acct.AppID, e.secret)); got.ErrCode != 0 || got.AccessToken == "" {
		t.Fatalf("token call after the rule's one call: %s", got.Raw)
	}
	r = e.sb(t, "GET", "/sandbox/v1/journal?endpoint=/cgi-bin/token&errcode=45009", tok, nil)
	es, _ := r.Body["entries"].([]any)
	if len(es) != 1 {
		t.Fatalf("journal: %s", r.Raw)
	}
	entry := es[0].(map[string]any)
	if entry["fault_rule"] != rule || entry["reason"] != "fault" || !strings.Contains(fmt.Sprint(entry["reason_text"]), "45009") {
		t.Errorf("journal entry: %v, want marked by rule %v", entry, rule)
	}
	if held := e.dbHolding(tok); len(held) != 0 {
		t.Errorf("the token is stored in %v", held)
	}
}

// The document is valid OpenAPI 3, by kin-openapi's validator (references resolve, schemas
// and examples agree).
func TestSandboxOpenAPIValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(sandboxapi.OpenAPIDoc())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
}

// The issue's "done when": a developer reproduces "the token call failed with 45009 at
// 10:00 tomorrow" — move the account's clock to tomorrow 10:00 China time, set a rule, make
// the call, and the journal says why.
func TestReproduceTomorrowsFault(t *testing.T) {
	e := newAPIEnv(t)
	tok, _ := sandboxToken(t, e.console(e.acct, e.admin), "laptop", false)
	wantSB(t, "to midnight", e.sb(t, "POST", "/sandbox/v1/clock", tok, map[string]any{"to": "next_midnight"}), http.StatusOK, "")
	r := e.sb(t, "POST", "/sandbox/v1/clock", tok, map[string]any{"advance_seconds": 10 * 3600})
	wantSB(t, "to 10:00", r, http.StatusOK, "")
	cst := time.FixedZone("CST", 8*3600)
	// The test clock stands at 2026-03-10 17:00 in China: tomorrow 10:00 is 2026-03-11 10:00.
	if now, err := time.Parse(time.RFC3339, fmt.Sprint(r.Body["now"])); err != nil || !now.Equal(time.Date(2026, 3, 11, 10, 0, 0, 0, cst)) {
		t.Fatalf("the clock says %v (%v), want 2026-03-11 10:00 China time", r.Body["now"], err)
	}
	wantSB(t, "rule", e.sb(t, "POST", "/sandbox/v1/faults", tok, map[string]any{"endpoint": "/cgi-bin/token", "kind": "errcode", "errcode": 45009, "count": 1}), http.StatusCreated, "")
	got := e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	if got.ErrCode != 45009 {
		t.Fatalf("the token call at 10:00 tomorrow: %s, want 45009", got.Raw)
	}
	r = e.sb(t, "GET", "/sandbox/v1/journal?endpoint=/cgi-bin/token&errcode=45009", tok, nil)
	es, _ := r.Body["entries"].([]any)
	if len(es) != 1 {
		t.Fatalf("journal: %s", r.Raw)
	}
	if why := fmt.Sprint(es[0].(map[string]any)["reason_text"]); !strings.Contains(why, "45009") || !strings.Contains(why, "rule") {
		t.Errorf("the journal says %q, want the rule that injected 45009", why)
	}
	// The journal names the call's time on the account's clock as well as the wall clock's.
	if at := fmt.Sprint(es[0].(map[string]any)["account_time"]); at != "2026-03-11T02:00:00Z" {
		t.Errorf("journal account_time %s, want 2026-03-11T02:00:00Z (10:00 tomorrow in China)", at)
	}
	if at := fmt.Sprint(es[0].(map[string]any)["at"]); at != "2026-03-10T09:00:00Z" {
		t.Errorf("journal at %s, want the wall clock's 2026-03-10T09:00:00Z", at)
	}
	page := e.console(e.acct, e.admin).get("/dev/sandbox?errcode=45009")
	if got := page.testid("journal-account-time"); !strings.Contains(got, "2026-03-11 10:00:00") {
		t.Errorf("the sandbox page's journal entry shows %q, want the account clock's 2026-03-11 10:00:00", got)
	}
}
