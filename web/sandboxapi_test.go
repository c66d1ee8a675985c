package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"mpconsole/store"
)

// sbToken makes a token of account a by p through the store and takes it from its one-time
// value, as the page does.
func (e *env) sbToken(a store.Account, p store.Person) string {
	e.t.Helper()
	ctx := context.Background()
	key, err := e.st.CreateSandboxToken(ctx, a.ID, p.ID, "ci")
	if err != nil {
		e.t.Fatal(err)
	}
	token, err := e.st.TakeOneTime(ctx, store.OneTimeSandboxToken, key, a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

// Every refusal of a token is 401 with its code and a WWW-Authenticate challenge: none,
// malformed, unknown, revoked. A token of another account reaches only its own account:
// that account's rule and snapshot are 404 not_found, as unknown ones. Unknown paths are
// 404 and wrong methods 405, in JSON; the OpenAPI document needs no token.
func TestSandboxAPIAuth(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	token := e.sbToken(e.acct, e.admin)
	for _, tc := range []struct{ name, auth, code string }{
		{"no scheme", token, "malformed_token"},
		{"another scheme", "Token " + token, "malformed_token"},
		{"no token", "Bearer ", "malformed_token"},
		{"unknown", "Bearer " + store.SandboxTokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid_token"},
		{"not a sandbox token", "Bearer " + e.secret, "invalid_token"},
	} {
		r := e.sbRaw(t, "GET", "/sandbox/v1/clock", tc.auth, nil, false)
		wantSB(t, tc.name, r, http.StatusUnauthorized, tc.code)
	}
	r := e.sb(t, "GET", "/sandbox/v1/clock", "", nil)
	wantSB(t, "missing", r, http.StatusUnauthorized, "missing_token")
	if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no bearer challenge: %q", r.Header.Get("WWW-Authenticate"))
	}
	wantSB(t, "valid", e.sb(t, "GET", "/sandbox/v1/clock", token, nil), http.StatusOK, "")

	revoked := e.sbToken(e.acct, e.admin)
	toks, err := e.st.SandboxTokens(ctx, e.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.RevokeSandboxToken(ctx, e.acct.ID, e.admin.ID, toks[len(toks)-1].ID); err != nil {
		t.Fatal(err)
	}
	wantSB(t, "revoked", e.sb(t, "GET", "/sandbox/v1/clock", revoked, nil), http.StatusUnauthorized, "invalid_token")

	rule := e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultHTML502, Count: "1"})
	snap, err := e.st.CreateSnapshot(ctx, e.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	otherAdmin := e.person("admin_two", "李四")
	other := e.account("other@example.com", otherAdmin, "personal")
	otherToken := e.sbToken(other, otherAdmin)
	wantSB(t, "another account's rule", e.sb(t, "DELETE", fmt.Sprintf("/sandbox/v1/faults/%d", rule.ID), otherToken, nil), http.StatusNotFound, "not_found")
	wantSB(t, "another account's snapshot", e.sb(t, "POST", fmt.Sprintf("/sandbox/v1/snapshots/%d/restore", snap.ID), otherToken, nil), http.StatusNotFound, "not_found")
	if fs := e.sb(t, "GET", "/sandbox/v1/faults", otherToken, nil); fs.Raw != `{"faults":[]}`+"\n" {
		t.Errorf("another account's token lists %s", fs.Raw)
	}
	if rs, _ := e.st.FaultRules(ctx, e.acct.ID); len(rs) != 1 {
		t.Errorf("the account's rules after another's calls: %d", len(rs))
	}

	wantSB(t, "unknown path", e.sb(t, "GET", "/sandbox/v1/nope", token, nil), http.StatusNotFound, "not_found")
	wantSB(t, "the prefix itself, without a token", e.sb(t, "GET", "/sandbox/v1", "", nil), http.StatusNotFound, "not_found")
	wantSB(t, "wrong method", e.sb(t, "PUT", "/sandbox/v1/clock", token, nil), http.StatusMethodNotAllowed, "method_not_allowed")
	wantSB(t, "document", e.sb(t, "GET", "/sandbox/v1/openapi.json", "", nil), http.StatusOK, "")
}

// Each operation's happy path and its refusals of bad input, with the field named.
func TestSandboxAPIOperations(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	tok := e.sbToken(e.acct, e.admin)
	call := func(method, path string, body any) sbResp { t.Helper(); return e.sb(t, method, path, tok, body) }
	bad := func(what string, r sbResp, status int, field, code string) {
		t.Helper()
		if r.Status != status || r.errField() != field || r.errCode() != code {
			t.Errorf("%s: %d %s, want %d %s on %q", what, r.Status, r.Raw, status, code, field)
		}
	}

	// People.
	r := call("POST", "/sandbox/v1/people", map[string]any{"wechat_id": "ci_alice", "nickname": "Alice", "phone": "13800138000"})
	wantSB(t, "person", r, http.StatusCreated, "")
	alice, err := e.st.PersonByWechatID(ctx, "ci_alice")
	if err != nil || r.Body["openid"] != e.openidOf(alice) || r.Body["phone"] != "+86 13800138000" {
		t.Errorf("person: %s (%v)", r.Raw, err)
	}
	bad("same WeChat ID", call("POST", "/sandbox/v1/people", map[string]any{"wechat_id": "ci_alice", "nickname": "A"}), 422, "wechat_id", "wechat_id_taken")
	bad("unknown field", call("POST", "/sandbox/v1/people", map[string]any{"wechatid": "x"}), 400, "wechatid", "unknown_field")
	bad("wrong type", call("POST", "/sandbox/v1/people", map[string]any{"wechat_id": 5}), 400, "wechat_id", "invalid_json")
	r = e.sbRaw(t, "POST", "/sandbox/v1/people", "Bearer "+tok, strings.NewReader("{"), false)
	wantSB(t, "not JSON", r, http.StatusBadRequest, "invalid_json")

	// Members: active at once; the limits hold (15 project members for a personal account).
	r = call("POST", "/sandbox/v1/members", map[string]any{"wechat_id": "ci_alice", "roles": []string{"developer"}})
	wantSB(t, "member", r, http.StatusCreated, "")
	if r.Body["status"] != "active" || r.Body["kind"] != "project" {
		t.Errorf("member: %s", r.Raw)
	}
	bad("bad role", call("POST", "/sandbox/v1/members", map[string]any{"wechat_id": "ci_alice", "roles": []string{"boss"}}), 422, "roles", "roles_invalid")
	for i := 2; i <= 15; i++ {
		p := e.person(fmt.Sprintf("ci_member%02d", i), "")
		if _, err := e.st.AddMemberAtOnce(ctx, e.acct.ID, p.WechatID, store.KindProject, []string{"analyst"}); err != nil {
			t.Fatal(err)
		}
	}
	e.person("ci_sixteen", "")
	bad("member limit", call("POST", "/sandbox/v1/members", map[string]any{"wechat_id": "ci_sixteen", "roles": []string{"analyst"}}), 422, "wechat_id", "member_quota")

	// Login codes, phone codes, subscriptions and notices.
	r = call("POST", "/sandbox/v1/login-codes", map[string]any{"wechat_id": "ci_alice"})
	if wantSB(t, "login code", r, http.StatusCreated, ""); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(fmt.Sprint(r.Body["js_code"])) {
		t.Errorf("login code: %s", r.Raw)
	}
	bad("unknown person", call("POST", "/sandbox/v1/login-codes", map[string]any{"wechat_id": "ci_nobody"}), 422, "wechat_id", "wechat_id_not_found")
	bad("not a member", call("POST", "/sandbox/v1/login-codes", map[string]any{"wechat_id": "ci_sixteen"}), 422, "wechat_id", "not_member")
	bad("bad env", call("POST", "/sandbox/v1/login-codes", map[string]any{"wechat_id": "ci_alice", "env": "moon"}), 422, "env", "env_invalid")
	r = call("POST", "/sandbox/v1/phone-codes", map[string]any{"wechat_id": "ci_alice"})
	if wantSB(t, "phone code", r, http.StatusCreated, ""); len(fmt.Sprint(r.Body["code"])) != 64 {
		t.Errorf("phone code: %s", r.Raw)
	}
	bad("phone before opening", call("POST", "/sandbox/v1/phone-codes", map[string]any{"wechat_id": "ci_member02"}), 422, "wechat_id", "app_not_opened")
	tmpl, err := e.st.AddMessageTemplateAs(ctx, e.acct.ID, e.admin.ID, 1458, []int{1, 2, 3, 5}, "")
	if err != nil {
		t.Fatal(err)
	}
	wantSB(t, "subscription", call("POST", "/sandbox/v1/subscriptions", map[string]any{"wechat_id": "ci_alice", "template_id": tmpl}), http.StatusCreated, "")
	bad("unknown template", call("POST", "/sandbox/v1/subscriptions", map[string]any{"wechat_id": "ci_alice", "template_id": "nope"}), 422, "template_id", "template_not_found")
	data := map[string]string{"thing1": "顺丰速运", "character_string2": "SF1234567890123", "time3": "2019年10月1日 15:01", "thing5": "无线蓝牙耳机"}
	if _, err := e.st.SendSubscribeMessage(ctx, e.acct.ID, e.openidOf(alice), tmpl, "pages/index/index", data, store.StateDeveloper, ""); err != nil {
		t.Fatal(err)
	}
	r = call("GET", "/sandbox/v1/notices?person=ci_alice", nil)
	if ns, _ := r.Body["notices"].([]any); r.Status != http.StatusOK || len(ns) != 1 || !strings.Contains(r.Raw, `"value":"SF1234567890123"`) {
		t.Errorf("notices: %d %s", r.Status, r.Raw)
	}
	bad("notices without person", call("GET", "/sandbox/v1/notices", nil), 422, "person", "person_required")
	bad("notices of nobody", call("GET", "/sandbox/v1/notices?person=ci_nobody", nil), 422, "person", "wechat_id_not_found")

	// The clock: 09:00 UTC is 17:00 in China; the next midnight there is 16:00 UTC.
	if r = call("GET", "/sandbox/v1/clock", nil); r.Raw != `{"now":"2026-03-10T09:00:00Z","offset_seconds":0}`+"\n" {
		t.Errorf("clock: %s", r.Raw)
	}
	if r = call("POST", "/sandbox/v1/clock", map[string]any{"advance_seconds": 3600}); r.Raw != `{"now":"2026-03-10T10:00:00Z","offset_seconds":3600}`+"\n" {
		t.Errorf("advance: %s", r.Raw)
	}
	if r = call("POST", "/sandbox/v1/clock", map[string]any{"to": "next_midnight"}); r.Raw != `{"now":"2026-03-10T16:00:00Z","offset_seconds":25200}`+"\n" {
		t.Errorf("next midnight: %s", r.Raw)
	}
	if r = call("POST", "/sandbox/v1/clock", map[string]any{"reset": true}); r.Body["offset_seconds"] != 0.0 {
		t.Errorf("reset: %s", r.Raw)
	}
	bad("no move", call("POST", "/sandbox/v1/clock", map[string]any{}), 422, "advance_seconds", "clock_one_of")
	bad("two moves", call("POST", "/sandbox/v1/clock", map[string]any{"advance_seconds": 60, "reset": true}), 422, "advance_seconds", "clock_one_of")
	bad("under a minute", call("POST", "/sandbox/v1/clock", map[string]any{"advance_seconds": 59}), 422, "advance_seconds", "clock_advance")
	bad("over 366 days", call("POST", "/sandbox/v1/clock", map[string]any{"advance_seconds": 367 * 86400}), 422, "advance_seconds", "clock_too_far")
	bad("unknown target", call("POST", "/sandbox/v1/clock", map[string]any{"to": "noon"}), 422, "to", "clock_to_invalid")

	// Fault rules.
	r = call("POST", "/sandbox/v1/faults", map[string]any{"endpoint": "/cgi-bin/token", "kind": "errcode", "errcode": 45009, "count": 2, "latency_ms": 5})
	wantSB(t, "fault rule", r, http.StatusCreated, "")
	id := int64(r.Body["id"].(float64))
	if r.Body["remaining"] != 2.0 || r.Body["errcode"] != 45009.0 || r.Body["latency_ms"] != 5.0 {
		t.Errorf("fault rule: %s", r.Raw)
	}
	if r = call("GET", "/sandbox/v1/faults", nil); !strings.Contains(r.Raw, fmt.Sprintf(`"id":%d`, id)) {
		t.Errorf("faults: %s", r.Raw)
	}
	bad("count and probability", call("POST", "/sandbox/v1/faults", map[string]any{"endpoint": "/cgi-bin/token", "kind": "html_502", "count": 1, "probability": 0.5}),
		422, "count", "fault_count_or_probability")
	wantSB(t, "delete rule", call("DELETE", fmt.Sprintf("/sandbox/v1/faults/%d", id), nil), http.StatusNoContent, "")
	wantSB(t, "delete rule again", call("DELETE", fmt.Sprintf("/sandbox/v1/faults/%d", id), nil), http.StatusNotFound, "not_found")
	wantSB(t, "delete no number", call("DELETE", "/sandbox/v1/faults/abc", nil), http.StatusNotFound, "not_found")

	// The journal.
	e.apiGet(t, tokenURL(e.acct.AppID, "0123456789abcdef0123456789abcdef"))
	r = call("GET", "/sandbox/v1/journal?endpoint=/cgi-bin/token&errcode=40125", nil)
	if es, _ := r.Body["entries"].([]any); len(es) != 1 || !strings.Contains(r.Raw, `"reason":"secret_mismatch"`) ||
		!strings.Contains(r.Raw, `"reason_text":"The secret matches neither the current AppSecret nor any replaced one."`) {
		t.Errorf("journal: %s", r.Raw)
	}
	bad("errcode no number", call("GET", "/sandbox/v1/journal?errcode=abc", nil), 422, "errcode", "errcode_invalid")

	// Snapshots.
	r = call("POST", "/sandbox/v1/snapshots", nil)
	wantSB(t, "snapshot", r, http.StatusCreated, "")
	wantSB(t, "restore", call("POST", fmt.Sprintf("/sandbox/v1/snapshots/%v/restore", r.Body["id"]), nil), http.StatusOK, "")
	wantSB(t, "restore unknown", call("POST", "/sandbox/v1/snapshots/999/restore", nil), http.StatusNotFound, "not_found")
	call("POST", "/sandbox/v1/people", map[string]any{"wechat_id": "ci_late", "nickname": "Late"})
	call("POST", "/sandbox/v1/members", map[string]any{"wechat_id": "ci_late", "kind": "experience"})
	late, _ := e.st.PersonByWechatID(ctx, "ci_late")
	if _, err := e.st.AddExperienceMember(ctx, e.acct.ID, late.ID, "ci_member03"); err != nil {
		t.Fatal(err)
	}
	bad("restore over a person who acted since", call("POST", fmt.Sprintf("/sandbox/v1/snapshots/%v/restore", r.Body["id"]), nil),
		422, "id", "snapshot_people_in_use")
}

// openidOf is p's openid in the account's mini program, without opening it.
func (e *apiEnv) openidOf(p store.Person) string {
	e.t.Helper()
	id, err := e.st.OpenID(context.Background(), e.acct.AppID, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// lockedBuffer collects log output from the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// The request log names the route of an automation API call, never its token, accepted
// or refused.
func TestSandboxAPITokenNotLogged(t *testing.T) {
	var buf lockedBuffer
	e := newEnvWith(t, Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	token := e.sbToken(a, admin)
	wantSB(t, "accepted", e.sb(t, "POST", "/sandbox/v1/people", token, map[string]any{"wechat_id": "ci_log", "nickname": "Log"}), http.StatusCreated, "")
	wantSB(t, "refused", e.sb(t, "GET", "/sandbox/v1/clock", token+"x", nil), http.StatusUnauthorized, "invalid_token")
	if out := buf.String(); !strings.Contains(out, "route=/sandbox/v1/people") || strings.Contains(out, token) {
		t.Errorf("log:\n%s", out)
	}
}

// A clock moved through the automation API is logged with the token as actor: /logs names
// it in the page's language, and the actor filter "token NAME" finds it.
func TestSandboxAPIActsAsItsToken(t *testing.T) {
	e := newAPIEnv(t)
	token := e.sbToken(e.acct, e.admin)
	wantSB(t, "advance", e.sb(t, "POST", "/sandbox/v1/clock", token, map[string]any{"advance_seconds": 3600}), http.StatusOK, "")
	c := e.console(e.acct, e.admin)
	for _, tc := range []struct{ lang, actor string }{
		{"en", "Sandbox token “ci”"},
		{"zh-CN", "沙箱令牌“ci”"},
	} {
		r := c.get("/logs?actor=token+ci&lang=" + tc.lang)
		wantStatus(t, r, http.StatusOK)
		if _, rows := logRows(r); len(rows) != 1 || rows[0] != "clock_moved token ci" {
			t.Fatalf("%s: rows %v, want the clock move by token ci alone", tc.lang, rows)
		}
		if got := strings.TrimSpace(r.doc.Find(`tr[data-testid="log-row"] td`).Eq(1).Text()); got != tc.actor {
			t.Errorf("%s: actor %q, want %q", tc.lang, got, tc.actor)
		}
	}
}
