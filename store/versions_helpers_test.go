package store

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// verEnv is one account with a person in every role, an experience member, a stranger and
// a platform reviewer, for the versions tests.
type verEnv struct {
	*fixture
	acct                                Account
	admin, operator, developer, analyst Person
	tester, stranger, reviewer          Person
	category                            int64 // the approved category, once complete() ran
	people                              map[string]Person
	serial                              int
	tag                                 string // ends the account's name, email and people's WeChat IDs
}

// sub is a fixture for one case of a table test on f's store and clock, with its own range
// of ID numbers (an ID number administers at most 5 accounts).
func (f *fixture) sub(t *testing.T) *fixture {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.ids
	f.ids += 100
	return &fixture{t: t, ctx: f.ctx, st: f.st, clock: f.clock, ids: n}
}

func newVerEnv(t *testing.T, subject string) *verEnv {
	t.Helper()
	return newVerEnvIn(newFixture(t), "", subject)
}

// newVerEnvIn makes the account and its people in f's store, their names ending in tag, so
// the cases of a table test share one database (opening one costs seconds under -race).
func newVerEnvIn(f *fixture, tag, subject string) *verEnv {
	f.t.Helper()
	e := &verEnv{fixture: f, tag: tag}
	e.admin = e.person("ver_admin" + tag)
	e.acct = e.account("ver"+tag+"@example.com", e.admin, subject)
	e.operator = e.project("ver_operator"+tag, "operator")
	e.developer = e.project("ver_developer"+tag, "developer")
	e.analyst = e.project("ver_analyst"+tag, "analyst")
	e.tester = e.person("ver_tester" + tag)
	_, err := e.st.AddExperienceMember(e.ctx, e.acct.ID, e.admin.ID, e.tester.WechatID)
	must(f.t, err)
	e.stranger = e.person("ver_stranger" + tag)
	e.reviewer = e.person("ver_reviewer" + tag)
	must(f.t, e.st.SetOperator(e.ctx, e.reviewer.WechatID, true))
	e.people = map[string]Person{"admin": e.admin, "operator": e.operator, "developer": e.developer, "analyst": e.analyst,
		"tester": e.tester, "stranger": e.stranger}
	return e
}

// project adds an active project member with one role.
func (e *verEnv) project(wechatID, role string) Person {
	e.t.Helper()
	p := e.person(wechatID)
	m, err := e.st.AddProjectMember(e.ctx, e.acct.ID, e.admin.ID, p.WechatID, []string{role})
	must(e.t, err)
	must(e.t, e.st.DecideInvitation(e.ctx, p.ID, m.ID, true))
	return p
}

// complete fills in the basic info a submission needs: name, icon, introduction and an
// approved category.
func (e *verEnv) complete() {
	e.t.Helper()
	must(e.t, e.st.SetName(e.ctx, e.acct.ID, e.admin.ID, "版本测试"+e.tag))
	must(e.t, e.st.SetIcon(e.ctx, e.acct.ID, e.admin.ID, bytes.NewReader(biPNG(32, 32))))
	must(e.t, e.st.SetIntro(e.ctx, e.acct.ID, e.admin.ID, "一个用来测试版本的小工具"))
	must(e.t, e.st.AddCategory(e.ctx, e.acct.ID, e.admin.ID, "tool", "tool.weather"))
	e.category = int64(e.count(`SELECT id FROM account_categories WHERE account_id = ? AND second = 'tool.weather'`, e.acct.ID))
}

// file takes the account's filing through every state to filed, as ops and the account would.
func (e *verEnv) file() {
	e.t.Helper()
	must(e.t, e.st.SaveFiling(e.ctx, e.acct.ID, e.admin.ID, FilingForm{ResponsibleName: "张三", ResponsibleIDNumber: e.admin.IDNumber,
		ResponsiblePhone: "13800138000", ServiceContent: "天气查询服务"}, true))
	f, err := e.st.FilingOf(e.ctx, e.acct.ID)
	must(e.t, err)
	must(e.t, e.st.Decide(e.ctx, ReviewFiling, f.ID, e.reviewer.ID, true, ""))
	must(e.t, e.st.ConfirmFilingSMS(e.ctx, e.acct.ID, e.admin.ID))
	must(e.t, e.st.Decide(e.ctx, ReviewFiling, f.ID, e.reviewer.ID, true, ""))
}

// ready makes the account able to submit and release: complete basic info and a filing.
func (e *verEnv) ready() *verEnv {
	e.complete()
	e.file()
	return e
}

// zipOf builds a real zip of name → content, in the given order.
func zipOf(files ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			panic(err)
		}
		w.Write([]byte(files[i+1]))
	}
	zw.Close()
	return buf.Bytes()
}

// appZip is a valid package with the given pages and a unique marker file.
func appZip(marker string, pages ...string) []byte {
	app, _ := json.Marshal(map[string]any{"pages": pages})
	return zipOf("app.json", string(app), "app.js", "App({}) // "+marker)
}

var testPages = []string{"pages/index/index", "pages/about/about"}

// upload uploads a valid version for by; the package differs per call.
func (e *verEnv) upload(by Actor, version string) Version {
	e.t.Helper()
	e.serial++
	v, err := e.st.Upload(e.ctx, e.acct.ID, by, version, "desc "+version, bytes.NewReader(appZip(fmt.Sprint(e.serial), testPages...)))
	must(e.t, err)
	return v
}

func (e *verEnv) group() []PageGroup {
	return []PageGroup{{Page: testPages[0], CategoryID: e.category, Tags: "天气 查询"}}
}

// approved uploads version as the administrator, submits it and has ops approve it.
func (e *verEnv) approved(version string) Version {
	e.t.Helper()
	v := e.upload(ByPerson(e.admin.ID), version)
	must(e.t, e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, v.ID, e.group()))
	must(e.t, e.st.Decide(e.ctx, ReviewCode, e.pendingReview(), e.reviewer.ID, true, ""))
	return v
}

// released takes version from upload to a release in mode.
func (e *verEnv) released(version, mode string, plan PhasePlan) Version {
	e.t.Helper()
	v := e.approved(version)
	must(e.t, e.st.Release(e.ctx, e.acct.ID, e.admin.ID, mode, plan))
	return v
}

func (e *verEnv) pendingReview() int64 {
	e.t.Helper()
	return int64(e.count(`SELECT id FROM code_reviews WHERE account_id = ? AND status = 'pending'`, e.acct.ID))
}

func (e *verEnv) page() VersionsPage {
	e.t.Helper()
	p, err := e.st.VersionsOf(e.ctx, e.acct.ID)
	must(e.t, err)
	return p
}

// actions lists the operation log's action codes, oldest first.
func (e *verEnv) actions() []string {
	e.t.Helper()
	log, err := e.st.OpLog(e.ctx, e.acct.ID, 1000, 0)
	must(e.t, err)
	var out []string
	for i := len(log) - 1; i >= 0; i-- {
		out = append(out, log[i].Action)
	}
	return out
}

// lastLog is the newest operation-log entry.
func (e *verEnv) lastLog() LogEntry {
	e.t.Helper()
	log, err := e.st.OpLog(e.ctx, e.acct.ID, 1, 0)
	must(e.t, err)
	return log[0]
}

// outcome names an error for table tests: "ok", "forbidden", "not_found", "conflict", or
// the first error code of a *ValidationError.
func outcome(err error) string {
	var ve *ValidationError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrForbidden):
		return "forbidden"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.As(err, &ve):
		var codes []string
		for _, c := range ve.Fields {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		return strings.Join(codes, ",")
	}
	return err.Error()
}

// set moves the test clock to t.
func (c *testClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
