package web

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"mpconsole/store"
)

// Helpers for the tests of the server API behind an access token (SPEC §17).

// callResp is any answer of the API, JSON or an image.
type callResp struct {
	Status int
	Header http.Header
	Raw    []byte
}

// call sends body to path (which carries the access_token) as an SDK would.
func (e *env) call(t *testing.T, method, path, contentType, body string) callResp {
	t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return callResp{Status: res.StatusCode, Header: res.Header, Raw: raw}
}

// postJSON posts a JSON body as silenceper/wechat does (its content type, a final newline).
func (e *env) postJSON(t *testing.T, path string, v any) callResp {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return e.call(t, "POST", path, "application/json;charset=utf-8", string(b)+"\n")
}

// fields decodes a JSON answer after checking it is written as the real API writes it:
// HTTP 200, its content type, no trailing newline.
func (r callResp) fields(t *testing.T) map[string]any {
	t.Helper()
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/json; encoding=utf-8" {
		t.Fatalf("status %d, content type %q, body %.300s; want 200 and the real API's JSON", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	if bytes.HasSuffix(r.Raw, []byte("\n")) {
		t.Fatalf("the answer ends with a newline: %q", r.Raw)
	}
	var out map[string]any
	d := json.NewDecoder(bytes.NewReader(r.Raw))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		t.Fatalf("not JSON: %s", r.Raw)
	}
	return out
}

// wantErrcode checks an error answer: exactly errcode and errmsg, the errcode, the errmsg
// starting with prefix and ending in the rid.
func (r callResp) wantErrcode(t *testing.T, code int, prefix string) {
	t.Helper()
	f := r.fields(t)
	msg, _ := f["errmsg"].(string)
	if f["errcode"] != json.Number(strconv.Itoa(code)) || !strings.HasPrefix(msg, prefix) || !ridSuffix.MatchString(msg) || len(f) != 2 {
		t.Fatalf("got %s; want errcode %d and errmsg %q…%s", r.Raw, code, prefix, " rid: …")
	}
}

// wantOK checks a successful JSON answer and returns its fields.
func (r callResp) wantOK(t *testing.T) map[string]any {
	t.Helper()
	f := r.fields(t)
	if f["errcode"] != json.Number("0") || f["errmsg"] != "ok" {
		t.Fatalf("got %s; want errcode 0 and errmsg ok", r.Raw)
	}
	return f
}

// token gets a fresh /cgi-bin/token access token for the account.
func (e *apiEnv) token() string {
	e.t.Helper()
	t, err := e.st.IssueAccessToken(context.Background(), store.APICall{AppID: e.acct.AppID, Secret: e.secret}, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return t.Token
}

// openid is p's openid in the account's mini program (p opens it first, so the openid is
// known to the account).
func (e *apiEnv) openid(p store.Person) string {
	e.t.Helper()
	e.code(p)
	id, err := e.st.OpenID(context.Background(), e.acct.AppID, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// query reads one integer from the test database, with the request journal's file
// attached (its api_journal table needs no prefix).
func (e *env) query(q string, args ...any) int64 {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.dbPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`ATTACH DATABASE ? AS requests`, store.JournalPath(e.dbPath())); err != nil {
		e.t.Fatal(err)
	}
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatalf("query %q: %v", q, err)
	}
	return n
}

// release takes the account through basic info, filing, upload, review and a full release
// of a package whose app.json lists pages, as the console and ops would.
func (e *apiEnv) release(pages ...string) {
	e.t.Helper()
	ctx := context.Background()
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	a, admin := e.acct.ID, e.admin.ID
	reviewer := e.person("api_reviewer", "")
	must(e.st.SetOperator(ctx, reviewer.WechatID, true))
	must(e.st.SetName(ctx, a, admin, "快递查询助手"))
	must(e.st.SetIcon(ctx, a, admin, bytes.NewReader(biImage(e.t, "png", 144, 144))))
	must(e.st.SetIntro(ctx, a, admin, "一个用来测试服务端接口的小工具"))
	must(e.st.AddCategory(ctx, a, admin, "tool", "tool.weather"))
	must(e.st.SaveFiling(ctx, a, admin, store.FilingForm{ResponsibleName: e.admin.RealName, ResponsibleIDNumber: e.admin.IDNumber,
		ResponsiblePhone: "13800138000", ServiceContent: "接口测试服务"}, true))
	f, err := e.st.FilingOf(ctx, a)
	must(err)
	must(e.st.Decide(ctx, store.ReviewFiling, f.ID, reviewer.ID, true, ""))
	must(e.st.ConfirmFilingSMS(ctx, a, admin))
	must(e.st.Decide(ctx, store.ReviewFiling, f.ID, reviewer.ID, true, ""))
	app, _ := json.Marshal(map[string]any{"pages": pages})
	var pkg bytes.Buffer
	zw := zip.NewWriter(&pkg)
	w, _ := zw.Create("app.json")
	w.Write(app)
	zw.Close()
	v, err := e.st.Upload(ctx, a, store.ByPerson(admin), "1.0.0", "接口测试", &pkg)
	must(err)
	category := e.query(`SELECT id FROM account_categories WHERE account_id = ? AND second = 'tool.weather'`, a)
	must(e.st.SubmitReview(ctx, a, admin, v.ID, []store.PageGroup{{Page: pages[0], CategoryID: category, Tags: "测试"}}))
	must(e.st.Decide(ctx, store.ReviewCode, e.query(`SELECT id FROM code_reviews WHERE account_id = ? AND status = 'pending'`, a), reviewer.ID, true, ""))
	must(e.st.Release(ctx, a, admin, store.ModeFull, store.PhasePlan{}))
}
