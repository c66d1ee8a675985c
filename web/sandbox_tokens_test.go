package web

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

// sbResp is an answer of the automation API.
type sbResp struct {
	Status int
	Header http.Header
	Raw    string
	Body   map[string]any
}

// errCode is the answer's error code ("" when it is no error).
func (r sbResp) errCode() string {
	e, _ := r.Body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// errField is the field an error names.
func (r sbResp) errField() string {
	e, _ := r.Body["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

// sb calls the automation API with token as the bearer ("" sends no header) and body as
// JSON (nil: none).
func (e *env) sb(t *testing.T, method, path, token string, body any) sbResp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	return e.sbRaw(t, method, path, "Bearer "+token, rd, token == "")
}

func (e *env) sbRaw(t *testing.T, method, path, auth string, body io.Reader, noAuth bool) sbResp {
	t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if !noAuth {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := sbResp{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			t.Fatalf("%s %s: not JSON: %q", method, path, raw)
		}
	}
	return r
}

// wantSB checks an answer's status and error code ("" for a success).
func wantSB(t *testing.T, what string, r sbResp, status int, code string) {
	t.Helper()
	if r.Status != status || r.errCode() != code {
		t.Errorf("%s: %d %s, want %d %q", what, r.Status, r.Raw, status, code)
	}
}

// sandboxToken makes a token named name on /dev/sandbox as c's person and reads it from
// its one-time page, whose path it returns too.
func sandboxToken(t *testing.T, c *client, name string, htmx bool) (token, showPath string) {
	t.Helper()
	r := c.submit("/dev/sandbox/tokens", url.Values{"token_name": {name}}, htmx)
	showPath = r.location()
	if !strings.HasPrefix(showPath, "/dev/sandbox/tokens/show/") {
		t.Fatalf("new token: %d to %q", r.status, showPath)
	}
	page := c.open(showPath)
	token = strings.TrimSpace(page.doc.Find(`[data-testid="sandbox-token"]`).Text())
	if !strings.HasPrefix(token, store.SandboxTokenPrefix) || len(token) != len(store.SandboxTokenPrefix)+43 {
		t.Fatalf("token shown: %q", token)
	}
	return token, showPath
}

// dbHolding lists the table.column cells of the whole database that contain s.
func (e *env) dbHolding(s string) []string {
	e.t.Helper()
	e.st.FlushJournal()
	db, err := sql.Open("sqlite", "file:"+e.dbPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		e.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var out []string
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			e.t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rs.Scan(ptrs...)
			for i, v := range vals {
				if strings.Contains(fmt.Sprintf("%s", v), s) {
					out = append(out, table+"."+cols[i])
				}
			}
		}
		rs.Close()
	}
	return out
}

// A developer makes a named token on /dev/sandbox: it is shown once (then 410), stored as
// its SHA-256 only, listed with name, creator, created and last used, and revoked after a
// confirmation (the dialog's page without JavaScript); a revoked token is refused. A bad
// name is the field's error. Plain and htmx.
func TestSandboxTokenPage(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newAPIEnv(t)
		dev := e.person("dev_one", "")
		e.member(e.acct, dev, store.KindProject, "developer", "active")
		c := e.console(e.acct, dev)

		r := c.submit("/dev/sandbox/tokens", url.Values{"token_name": {"  "}}, htmx)
		wantFieldError(t, r, htmx, "token_name", "token_name_required")
		r = c.submit("/dev/sandbox/tokens", url.Values{"token_name": {strings.Repeat("名", 41)}}, htmx)
		wantFieldError(t, r, htmx, "token_name", "token_name_long")

		token, show := sandboxToken(t, c, "backend CI", htmx)
		again := c.open(show)
		wantStatus(t, again, http.StatusGone)
		if again.doc.Find(`[data-error-code="sandbox_token_shown"]`).Length() != 1 || strings.Contains(again.body, token) {
			t.Errorf("second view of the token page: %q", again.body)
		}
		sum := sha256.Sum256([]byte(token))
		if held := e.dbHolding(hex.EncodeToString(sum[:])); strings.Join(held, " ") != "sandbox_tokens.token_hash" {
			t.Errorf("the token's SHA-256 is in %v, want sandbox_tokens.token_hash only", held)
		}
		if held := e.dbHolding(token); len(held) != 0 {
			t.Errorf("the plain token is in the database: %v", held)
		}

		page := c.open("/dev/sandbox")
		row := page.doc.Find(`[data-testid="sandbox-token-row"]`)
		if row.Length() != 1 || row.Find(`[data-testid="sandbox-token-name"]`).Text() != "backend CI" ||
			!strings.Contains(row.Text(), dev.Nickname) || strings.TrimSpace(row.Find(`[data-testid="sandbox-token-used"]`).Text()) != "Never" {
			t.Fatalf("token row: %q", row.Text())
		}
		if strings.Contains(page.body, token) {
			t.Error("the list shows the token")
		}
		wantSB(t, "a call with the token", e.sb(t, "GET", "/sandbox/v1/clock", token, nil), http.StatusOK, "")
		used := strings.TrimSpace(c.open("/dev/sandbox").doc.Find(`[data-testid="sandbox-token-used"]`).Text())
		if used != "2026-03-10 17:00" {
			t.Errorf("last used %q, want the call's time in China time", used)
		}

		id := row.AttrOr("data-id", "")
		confirm := c.open("/dev/sandbox/tokens/" + id + "/revoke")
		if confirm.doc.Find(`[data-testid="confirm-page"] [data-testid="sandbox-token-revoke"]`).Length() != 1 {
			t.Errorf("no confirm page: %q", confirm.body)
		}
		wantRedirect(t, c.submit("/dev/sandbox/tokens/"+id+"/revoke", nil, htmx), htmx, "/dev/sandbox")
		wantSB(t, "a revoked token", e.sb(t, "GET", "/sandbox/v1/clock", token, nil), http.StatusUnauthorized, "invalid_token")
		wantStatus(t, c.submit("/dev/sandbox/tokens/"+id+"/revoke", nil, htmx), http.StatusNotFound)
		if acts := strings.Join(e.oplogActions(e.acct), " "); !strings.Contains(acts, "sandbox_token_revoked") || !strings.Contains(acts, "sandbox_token_created") {
			t.Errorf("oplog: %s", acts)
		}
	})
}
