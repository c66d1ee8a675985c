package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// nonConsoleRoutes are the routes deliberately outside the permission matrix. A route that
// is neither here (nor under nonConsolePrefixes) nor registered with s.console fails
// TestEveryRouteIsClassified, so nobody adds a console page that forgets its guard.
var nonConsoleRoutes = []string{
	// Public: the root redirect, the sandbox mailbox and login (SPEC §5, §6).
	"GET /", "GET /mailbox",
	"GET /login", "POST /login", "POST /login/qr", "GET /login/scan", "POST /login/scan", "POST /logout",
	// The registration wizard: public, or guarded by the unfinished registration this
	// browser holds (s.wizard), not by roles (SPEC §5).
	"GET /register", "POST /register", "GET /register/activate", "POST /register/resend",
	"GET /register/subject", "POST /register/subject", "GET /register/admin", "POST /register/admin",
	"GET /register/confirm", "POST /register/confirm",
	// Probes (SPEC §19): no session at all. GET /metrics, routed only with --metrics, is
	// not in this server's table.
	"GET /healthz",
}

// nonConsolePrefixes are whole surfaces with guards of their own.
var nonConsolePrefixes = []string{
	"/wx",        // the simulated WeChat: a simulator session (wxPerson), SPEC §3
	"/ops",       // platform reviewers: an operator's simulator session, SPEC §3
	"/static/",   // embedded assets
	"/icons/",    // account icons, public like the real platform's CDN, SPEC §7
	"/cgi-bin/",  // the WeChat-compatible API: AppID + AppSecret, no session, SPEC §11
	"/sns/",      // the WeChat-compatible API, SPEC §11
	"/wxa/",      // the server API behind an access token, SPEC §17
	"/wxaapi/",   // the server API behind an access token, SPEC §17
	"/ci/",       // the CI upload: the code-upload key, no session, SPEC §12
	"/datacube/", // the analysis API behind an access token, SPEC §16
	"/sandbox/",  // the automation API: a bearer token of one account, SPEC §18
}

func nonConsole(route string) bool {
	if slices.Contains(nonConsoleRoutes, route) {
		return true
	}
	path := route[strings.Index(route, " ")+1:]
	for _, p := range nonConsolePrefixes {
		if path == strings.TrimSuffix(p, "/") || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

// Every registered route is either a console route with its matrix row, or listed above.
func TestEveryRouteIsClassified(t *testing.T) {
	e := newEnv(t)
	actions := e.srv.ConsoleActions()
	registered := map[string]bool{}
	for _, r := range e.srv.echo.Routes() {
		if r.Method == echo.RouteNotFound {
			continue // the catch-alls echo adds for group middleware
		}
		key := r.Method + " " + r.Path
		registered[key] = true
		_, console := actions[key]
		switch {
		case console && nonConsole(key):
			t.Errorf("%s is a console route but also listed as non-console", key)
		case !console && !nonConsole(key):
			t.Errorf("%s is neither a console route (register it with s.console and a store.Action) nor in nonConsoleRoutes", key)
		}
	}
	for key := range actions {
		if !registered[key] {
			t.Errorf("console action recorded for %s, which is not routed", key)
		}
	}
	for _, key := range nonConsoleRoutes {
		if !registered[key] {
			t.Errorf("nonConsoleRoutes lists %s, which is not routed any more", key)
		}
	}
}

var routeParam = regexp.MustCompile(`:[A-Za-z_]+`)

// concretePath fills a route's parameters: the account's AppID for :appid, a number
// that names nothing for the rest (an allowed role then gets 404 from the handler, which
// still proves the guard let it through, and changes nothing).
func concretePath(path string, a store.Account) string {
	return routeParam.ReplaceAllStringFunc(path, func(p string) string {
		if p == ":appid" {
			return a.AppID
		}
		return "999999"
	})
}

// sendEmpty sends method to path as a browser would, with the CSRF token and an empty form.
func (c *client) sendEmpty(method, path string) resp {
	if method == http.MethodGet {
		return c.get(path)
	}
	f := url.Values{"_csrf": {c.csrf()}}
	return c.do(method, path, strings.NewReader(f.Encode()), "application/x-www-form-urlencoded", false)
}

// seat is one column of the route × role table.
type seat struct {
	name  string
	who   func(tm team) *store.Person // nil: signed out
	roles store.Roles                 // what the matrix grants; empty: no console access
}

var seats = []seat{
	{"administrator", func(tm team) *store.Person { return &tm.admin }, store.Roles{store.RoleAdmin}},
	{"operator", func(tm team) *store.Person { return &tm.operator }, store.Roles{store.RoleOperator}},
	{"developer", func(tm team) *store.Person { return &tm.developer }, store.Roles{store.RoleDeveloper}},
	{"analyst", func(tm team) *store.Person { return &tm.analyst }, store.Roles{store.RoleAnalyst}},
	{"experience member", func(tm team) *store.Person { return &tm.experience }, nil},
	{"non-member", func(tm team) *store.Person { return &tm.outsider }, nil},
	{"signed out", nil, nil},
}

// Every console route × every seat answers what the matrix implies: 403 with the needed
// roles named for a forbidden role, neither 403 nor 5xx nor a trip to /login for an
// allowed one, and 303 → /login for anyone without console access. It is built from
// ConsoleActions, so routes added later are covered without touching this test.
func TestRouteRoleMatrix(t *testing.T) {
	routes := slices.Sorted(func(yield func(string) bool) {
		for k := range newEnv(t).srv.ConsoleActions() {
			if !yield(k) {
				return
			}
		}
	})
	if len(routes) == 0 {
		t.Fatal("no console routes")
	}
	table := []string{"| route | action | " + seatHeader() + " |", "|---|---|" + strings.Repeat("---|", len(seats))}
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		// A fresh account per route, so one route's effects cannot leak into another's.
		e := newEnv(t)
		tm := newTeam(e)
		action := e.srv.ConsoleActions()[route]
		cells := []string{route, string(action)}
		for _, s := range seats {
			t.Run(route+"/"+s.name, func(t *testing.T) {
				var c *client
				if s.who == nil {
					c = e.client()
				} else {
					a, err := e.st.AccountByID(t.Context(), tm.a.ID) // current session epoch
					if err != nil {
						t.Fatal(err)
					}
					c = e.console(a, *s.who(tm))
				}
				r := c.sendEmpty(method, concretePath(path, tm.a))
				cells = append(cells, fmt.Sprint(r.status))
				switch {
				case len(s.roles) == 0:
					if r.status != http.StatusSeeOther || r.location() != "/login" {
						t.Errorf("%s %s as %s: %d → %q, want 303 → /login", method, path, s.name, r.status, r.location())
					}
				case s.roles.Can(action):
					if r.status == http.StatusForbidden || r.status >= 500 || r.location() == "/login" {
						t.Errorf("%s %s as %s (allowed): %d → %q", method, path, s.name, r.status, r.location())
					}
				default:
					wantStatus(t, r, http.StatusForbidden)
					var named []string
					r.doc.Find(`[data-testid="error-page"][data-status="403"] [data-role]`).Each(func(_ int, el *goquery.Selection) {
						named = append(named, el.AttrOr("data-role", ""))
					})
					want := fmt.Sprint(store.RolesFor(action))
					if fmt.Sprint(named) != want {
						t.Errorf("%s %s as %s: 403 page names %v, want %s", method, path, s.name, named, want)
					}
				}
			})
		}
		table = append(table, "| "+strings.Join(cells, " | ")+" |")
	}
	sort.Strings(table[2:])
	t.Log("route × role statuses:\n" + strings.Join(table, "\n"))
}

func seatHeader() string {
	names := make([]string, len(seats))
	for i, s := range seats {
		names[i] = s.name
	}
	return strings.Join(names, " | ")
}

// The left navigation shows exactly the sections each role may open, in the real
// console's menu order (home; manage; development; settings), written out from SPEC §9
// rather than derived from the code that draws it.
func TestNavFollowsTheMatrix(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	want := map[string]string{
		"administrator": "[/home /versions /members /logs /stats /messages /dev/settings /dev/sandbox /settings/basic /settings/filing /settings/verify /settings/password /settings/sessions]",
		"operator":      "[/home /versions /members /messages /settings/basic /settings/filing /settings/verify /settings/sessions]",
		"developer":     "[/home /versions /members /dev/settings /dev/sandbox /settings/basic /settings/sessions]",
		"analyst":       "[/home /versions /members /stats /settings/basic /settings/sessions]",
	}
	for _, s := range seats[:4] {
		r := e.console(tm.a, *s.who(tm)).get("/home")
		wantStatus(t, r, http.StatusOK)
		var got []string
		r.doc.Find(`[data-testid="nav"] a[href]`).Each(func(_ int, el *goquery.Selection) { got = append(got, el.AttrOr("href", "")) })
		if fmt.Sprint(got) != want[s.name] {
			t.Errorf("%s sees %v, want %v", s.name, got, want[s.name])
		}
	}
}

// Every console route carries the row of SPEC §9's matrix that its action belongs to,
// written out here, so a route registered with the wrong row fails (TestRouteRoleMatrix
// then proves each row against every role). A new console route must be added here.
func TestConsoleRoutesUseSpecRows(t *testing.T) {
	want := map[string]store.Action{
		"GET /home":                                  store.ActView,
		"GET /settings/basic":                        store.ActView,
		"GET /settings/basic/name":                   store.ActEditBasic,
		"GET /settings/basic/icon":                   store.ActEditBasic,
		"GET /settings/basic/intro":                  store.ActEditBasic,
		"GET /settings/basic/categories":             store.ActEditBasic,
		"GET /settings/basic/categories/:id/delete":  store.ActEditBasic,
		"POST /settings/basic/name":                  store.ActEditBasic,
		"POST /settings/basic/icon":                  store.ActEditBasic,
		"POST /settings/basic/intro":                 store.ActEditBasic,
		"POST /settings/basic/categories":            store.ActEditBasic,
		"POST /settings/basic/categories/:id/delete": store.ActEditBasic,
		"GET /settings/filing":                       store.ActEditBasic,
		"POST /settings/filing":                      store.ActEditBasic,
		"POST /settings/filing/withdraw":             store.ActEditBasic,
		"POST /settings/filing/sms":                  store.ActEditBasic,
		"GET /settings/verify":                       store.ActEditBasic,
		"POST /settings/verify":                      store.ActEditBasic,
		"GET /settings/password":                     store.ActAccount,
		"POST /settings/password":                    store.ActAccount,
		"GET /settings/sessions":                     store.ActView, // every member manages their own browsers
		"POST /settings/sessions/:id/delete":         store.ActView,
		"POST /settings/sessions/others/delete":      store.ActView,
		"GET /members":                               store.ActManageExperience,
		"POST /members/project":                      store.ActManageProject,
		"GET /members/project/:id/roles":             store.ActManageProject,
		"POST /members/project/:id/roles":            store.ActManageProject,
		"GET /members/project/:id/delete":            store.ActManageProject,
		"POST /members/project/:id/delete":           store.ActManageProject,
		"POST /members/experience":                   store.ActManageExperience,
		"GET /members/experience/:id/delete":         store.ActManageExperience,
		"POST /members/experience/:id/delete":        store.ActManageExperience,
		"POST /members/admin/transfer":               store.ActManageProject,
		"GET /members/admin/transfer":                store.ActManageProject,
		"GET /dev/settings":                          store.ActViewDev,
		"GET /dev/settings/ip-whitelist":             store.ActEditDev,
		"POST /dev/settings/ip-whitelist":            store.ActEditDev,
		"GET /dev/settings/domains":                  store.ActEditDev,
		"POST /dev/settings/domains":                 store.ActEditDev,
		"POST /dev/settings/secret":                  store.ActSecret,
		"GET /dev/settings/secret/wait/:token":       store.ActSecret,
		"GET /dev/settings/secret/:token":            store.ActSecret,
		"POST /dev/settings/secret/freeze":           store.ActSecret,
		"POST /dev/settings/secret/unfreeze":         store.ActSecret,
		"GET /dev/settings/secret/freeze/:token":     store.ActSecret,
		"GET /dev/settings/secret/unfreeze/:token":   store.ActSecret,
		"GET /dev/sandbox":                           store.ActSandbox, // SPEC §18: administrator and developer
		"POST /dev/sandbox/faults":                   store.ActSandbox,
		"POST /dev/sandbox/faults/:id/delete":        store.ActSandbox,
		"POST /dev/sandbox/clock/advance":            store.ActSandbox,
		"POST /dev/sandbox/clock/midnight":           store.ActSandbox,
		"POST /dev/sandbox/clock/reset":              store.ActSandbox,
		"POST /dev/sandbox/tokens":                   store.ActSandbox, // the automation API's tokens (SPEC §18)
		"GET /dev/sandbox/tokens/show/:key":          store.ActSandbox,
		"GET /dev/sandbox/tokens/:id/revoke":         store.ActSandbox,
		"POST /dev/sandbox/tokens/:id/revoke":        store.ActSandbox,
		"POST /dev/sandbox/whitelist-mode":           store.ActWhitelistMode, // weakens a security control: administrator only
		"GET /dev/sandbox/words":                     store.ActSandbox,
		"POST /dev/sandbox/words":                    store.ActSandbox,
		"GET /versions":                              store.ActView, // every member sees the versions (SPEC §12)
		"POST /versions/upload":                      store.ActUpload,
		"POST /versions/:id/trial":                   store.ActUpload,
		"GET /versions/:id/package":                  store.ActUpload,
		"GET /versions/:id/delete":                   store.ActUpload,
		"POST /versions/:id/delete":                  store.ActUpload,
		"GET /versions/:id/submit":                   store.ActRelease,
		"POST /versions/:id/submit":                  store.ActRelease,
		"POST /versions/review/withdraw":             store.ActRelease,
		"POST /versions/review/release":              store.ActRelease,
		"POST /versions/online/phase":                store.ActRelease,
		"GET /versions/online/phase/cancel":          store.ActRelease,
		"POST /versions/online/phase/:action":        store.ActRelease,
		"GET /versions/rollback/:id":                 store.ActRelease,
		"POST /versions/rollback":                    store.ActRelease,
		"POST /dev/settings/upload-key":              store.ActSecret,
		"GET /dev/settings/upload-key/wait/:token":   store.ActSecret,
		"GET /dev/settings/upload-key/:token":        store.ActSecret,
		"GET /dev/settings/upload-key/ip-whitelist":  store.ActEditDev,
		"POST /dev/settings/upload-key/ip-whitelist": store.ActEditDev,
		"GET /stats":                                 store.ActStats, // administrator and analyst
		"GET /stats.csv":                             store.ActStats,
		"GET /logs":                                  store.ActLogs, // administrator only
		"GET /logs.csv":                              store.ActLogs,
		"GET /messages":                              store.ActMessages,
		"GET /messages/new":                          store.ActMessages,
		"POST /messages":                             store.ActMessages,
		"GET /messages/:id/delete":                   store.ActMessages,
		"POST /messages/:id/delete":                  store.ActMessages,
	}
	got := newEnv(t).srv.ConsoleActions()
	for route, a := range want {
		if got[route] != a {
			t.Errorf("%s is guarded by %q, want %q", route, got[route], a)
		}
	}
	for route := range got {
		if _, ok := want[route]; !ok {
			t.Errorf("console route %s has no SPEC row in this test", route)
		}
	}
}
