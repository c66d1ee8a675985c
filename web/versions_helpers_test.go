package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"

	"mpconsole/store"
)

// verEnv is an account with an administrator, an operator and a developer, each signed in to
// the console, and a platform reviewer signed in to /ops, for the version tests.
type verEnv struct {
	*env
	a                       store.Account
	admin, operator, dev    store.Person
	adminC, operatorC, devC *client
	ops                     *client
	reviewer                store.Person
	category                int64 // the approved category, once ready() ran
}

func newVerEnv(t *testing.T, subject string) *verEnv {
	t.Helper()
	e := &verEnv{env: newEnv(t)}
	e.admin = e.person("ver_admin", "张三")
	e.a = e.account("ver@example.com", e.admin, subject)
	e.operator, _ = e.activeMember(e.a, "ver_operator", "operator")
	e.dev, _ = e.activeMember(e.a, "ver_developer", "developer")
	e.adminC, e.operatorC, e.devC = e.console(e.a, e.admin), e.console(e.a, e.operator), e.console(e.a, e.dev)
	e.reviewer, e.ops = newReviewer(e.env, "ver_reviewer")
	return e
}

func (e *verEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// ready completes what a submission and a release need: name, icon, introduction, an
// approved category; and, with filed, the filing.
func (e *verEnv) ready(filed bool) {
	e.t.Helper()
	ctx := context.Background()
	a, admin := e.a.ID, e.admin.ID
	e.must(e.st.SetName(ctx, a, admin, "版本测试助手"))
	e.must(e.st.SetIcon(ctx, a, admin, bytes.NewReader(biImage(e.t, "png", 144, 144))))
	e.must(e.st.SetIntro(ctx, a, admin, "一个用来测试版本管理的小工具"))
	e.must(e.st.AddCategory(ctx, a, admin, "tool", "tool.weather"))
	e.category = e.query(`SELECT id FROM account_categories WHERE account_id = ? AND second = 'tool.weather'`, a)
	if !filed {
		return
	}
	e.must(e.st.SaveFiling(ctx, a, admin, store.FilingForm{ResponsibleName: e.admin.RealName, ResponsibleIDNumber: e.admin.IDNumber,
		ResponsiblePhone: "13800138000", ServiceContent: "版本测试服务"}, true))
	f, err := e.st.FilingOf(ctx, a)
	e.must(err)
	e.must(e.st.Decide(ctx, store.ReviewFiling, f.ID, e.reviewer.ID, true, ""))
	e.must(e.st.ConfirmFilingSMS(ctx, a, admin))
	e.must(e.st.Decide(ctx, store.ReviewFiling, f.ID, e.reviewer.ID, true, ""))
}

// zipOf packs files (name → content) into a zip.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// appZip is a code package whose app.json lists pages, with one file per page.
func appZip(t *testing.T, pages ...string) []byte {
	t.Helper()
	app, _ := json.Marshal(map[string]any{"pages": pages})
	files := map[string]string{"app.json": string(app), "app.js": "App({})"}
	for _, p := range pages {
		files[p+".js"] = "Page({})"
	}
	return zipOf(t, files)
}

// upload posts the upload form as c (pkg nil: no file chosen).
func (e *verEnv) upload(c *client, version, desc string, pkg []byte, htmx bool) resp {
	e.t.Helper()
	field := ""
	if pkg != nil {
		field = "package"
	}
	return biUpload(c, "/versions/upload", map[string]string{"version": version, "description": desc}, field, "code.zip", pkg, htmx)
}

// uploaded uploads version with a package of pages/index as c and returns its id.
func (e *verEnv) uploaded(c *client, version string) int64 {
	e.t.Helper()
	r := e.upload(c, version, "说明 "+version, appZip(e.t, "pages/index", "pages/about"), false)
	wantRedirect(e.t, r, false, "/versions")
	return e.query(`SELECT max(id) FROM versions WHERE account_id = ? AND version = ?`, e.a.ID, version)
}

// group is the submit form with one page group.
func (e *verEnv) group(page string) url.Values {
	return url.Values{"page.0": {page}, "category.0": {strconv.FormatInt(e.category, 10)}, "tags.0": {"天气 工具"}}
}

// submitted submits version id for review and returns the pending review's id.
func (e *verEnv) submitted(id int64) int64 {
	e.t.Helper()
	r := e.adminC.post("/versions/"+strconv.FormatInt(id, 10)+"/submit", e.group("pages/index"), false)
	wantRedirect(e.t, r, false, "/versions")
	return e.query(`SELECT id FROM code_reviews WHERE account_id = ? AND status = 'pending'`, e.a.ID)
}

// approved uploads, submits and has ops approve version; it returns the version's id.
func (e *verEnv) approved(version string) int64 {
	e.t.Helper()
	id := e.uploaded(e.adminC, version)
	review := e.submitted(id)
	wantRedirect(e.t, biDecide(e.ops, "code", review, "approve", "", false), false, "/ops")
	return id
}

// released takes version from upload to a release in mode (phased: at percent).
func (e *verEnv) released(version, mode string, percent int) int64 {
	e.t.Helper()
	id := e.approved(version)
	r := e.adminC.post("/versions/review/release", url.Values{"mode": {mode}, "percent": {strconv.Itoa(percent)}}, false)
	wantRedirect(e.t, r, false, "/versions")
	return id
}

// online is the online block's version, phase and percent as /versions shows them.
func (e *verEnv) online() (version, phase, percent string) {
	e.t.Helper()
	r := e.adminC.get("/versions")
	wantStatus(e.t, r, 200)
	s := r.doc.Find(`[data-testid="online-version"]`)
	return s.AttrOr("data-version", ""), s.AttrOr("data-phase", ""), s.AttrOr("data-percent", "")
}
