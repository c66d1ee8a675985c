package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"mpconsole/store"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// The credential page shows the AppID and original ID with the SPEC §14 hooks and a copy
// button, and the AppSecret state without any secret.
func TestDevSettingsPage(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	r := c.get("/dev/settings")
	wantStatus(t, r, http.StatusOK)
	if r.testid("app-id") != a.AppID || r.testid("original-id") != a.OriginalID {
		t.Fatalf("app-id %q original-id %q, want %q %q", r.testid("app-id"), r.testid("original-id"), a.AppID, a.OriginalID)
	}
	if r.doc.Find(`button[data-copy="`+a.AppID+`"]`).Length() != 1 {
		t.Fatal("no copy button for the AppID")
	}
	if st := r.doc.Find(`[data-testid="secret-state"]`).AttrOr("data-state", ""); st != store.SecretNone {
		t.Fatalf("secret state %q, want none", st)
	}
	if r.doc.Find(`form[action="/dev/settings/secret"] button`).Length() != 1 {
		t.Fatal("the administrator should see the generate button")
	}
	secret := e.appSecret(a, admin)
	r = c.get("/dev/settings")
	wantStatus(t, r, http.StatusOK)
	if st := r.doc.Find(`[data-testid="secret-state"]`).AttrOr("data-state", ""); st != store.SecretActive {
		t.Fatalf("secret state %q, want active", st)
	}
	if strings.Contains(r.body, secret) {
		t.Fatal("the credential page shows the secret")
	}
	for _, action := range []string{"/dev/settings/secret", "/dev/settings/secret/freeze"} {
		if r.doc.Find(`form[action="`+action+`"]`).Length() != 1 {
			t.Fatalf("an active secret should offer %s", action)
		}
	}
}

// Generating shows the secret exactly once, after the administrator's scan, and the
// one-time page answers 410 afterwards; a reset makes the old secret fail at once.
func TestSecretGenerateAndReset(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			e := newEnv(t)
			admin := e.person("admin_one", "张三")
			a := e.account("owner@example.com", admin, "personal")
			c := e.console(a, admin)
			secret, show := e.consoleSecret(c, admin, htmx)
			if !hex32.MatchString(secret) {
				t.Fatalf("app-secret %q, want 32 lowercase hex", secret)
			}
			wantStatus(t, c.get(show), http.StatusGone)
			wantStatus(t, e.console(a, admin).get(show), http.StatusGone)
			if tok := e.apiGet(t, tokenURL(a.AppID, secret)); tok.AccessToken == "" {
				t.Fatalf("the new secret gets no token: %+v", tok)
			}

			second, _ := e.consoleSecret(c, admin, htmx)
			if second == secret || !hex32.MatchString(second) {
				t.Fatalf("reset gave %q after %q", second, secret)
			}
			wantAPIErr(t, e.apiGet(t, tokenURL(a.AppID, secret)), 40125, "invalid appsecret")
			if tok := e.apiGet(t, tokenURL(a.AppID, second)); tok.AccessToken == "" {
				t.Fatalf("the reset secret gets no token: %+v", tok)
			}
			if got := e.oplogActions(a); !slices.Contains(got, "secret_generated") || !slices.Contains(got, "secret_reset") {
				t.Fatalf("operation log %q lacks secret_generated and secret_reset", got)
			}
		})
	}
}

// The poll of a pending wait page keeps polling; someone other than the administrator
// cannot confirm (not_admin) and the page says so.
func TestSecretScanOnlyAdmin(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	dev := e.person("dev_one", "")
	a := e.account("owner@example.com", admin, "personal")
	e.member(a, dev, "project", "developer", "active")
	c := e.console(a, admin)
	r := c.post("/dev/settings/secret", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	token := tokenInPath.FindStringSubmatch(r.location())[1]
	phone := e.wx(dev).post("/wx/scan/"+token, url.Values{"decision": {"confirm"}}, false)
	wantStatus(t, phone, http.StatusUnprocessableEntity)
	if phone.errCode("") != "not_admin" {
		t.Fatalf("a developer confirming: error %q, want not_admin", phone.errCode(""))
	}
	w := c.do("GET", r.location(), nil, "", true)
	wantStatus(t, w, http.StatusOK)
	state := w.doc.Find(`[data-testid="scan-state"]`)
	if state.AttrOr("data-state", "") != "pending" || state.Find(`[data-error-code="not_admin"]`).Length() != 1 {
		t.Fatalf("after a wrong person: %s", w.body)
	}
	if sec, _ := e.st.AppSecretOf(context.Background(), a.ID); sec.State != store.SecretNone {
		t.Fatalf("a refused scan generated a secret: %+v", sec)
	}
}

// Unknown tokens and another account's tokens are 404 on both secret pages.
func TestSecretPagesOtherTokens(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	other := e.person("admin_two", "李四")
	a := e.account("owner@example.com", admin, "personal")
	b := e.account("other@example.com", other, "personal")
	r := e.console(b, other).post("/dev/settings/secret", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	theirs := tokenInPath.FindStringSubmatch(r.location())[1]
	c := e.console(a, admin)
	for _, p := range []string{"/dev/settings/secret/wait/" + theirs, "/dev/settings/secret/" + theirs,
		"/dev/settings/secret/wait/" + strings.Repeat("0", 64), "/dev/settings/secret/" + strings.Repeat("0", 64)} {
		wantStatus(t, c.get(p), http.StatusNotFound)
	}
}

// Freeze and unfreeze take effect at once; each refuses the wrong state with a page alert.
func TestSecretFreeze(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			e := newEnv(t)
			admin := e.person("admin_one", "张三")
			a := e.account("owner@example.com", admin, "personal")
			c := e.console(a, admin)
			r := c.post("/dev/settings/secret/freeze", nil, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("") != "secret_missing" || r.fullPage() == htmx {
				t.Fatalf("freeze without a secret: %q (full page %v)", r.errCode(""), r.fullPage())
			}
			secret := e.appSecret(a, admin)
			wantRedirect(t, c.post("/dev/settings/secret/freeze", nil, htmx), htmx)
			if st := c.get("/dev/settings").doc.Find(`[data-testid="secret-state"]`).AttrOr("data-state", ""); st != store.SecretFrozen {
				t.Fatalf("after freeze the state is %q", st)
			}
			wantAPIErr(t, e.apiGet(t, tokenURL(a.AppID, secret)), 40243, "AppSecret已被冻结，请登录小程序平台解冻后再次调用。")
			for _, p := range []string{"/dev/settings/secret/freeze", "/dev/settings/secret"} {
				r = c.post(p, nil, htmx)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if r.errCode("") != "secret_frozen" {
					t.Fatalf("POST %s while frozen: %q, want secret_frozen", p, r.errCode(""))
				}
			}
			wantRedirect(t, c.post("/dev/settings/secret/unfreeze", nil, htmx), htmx)
			if tok := e.apiGet(t, tokenURL(a.AppID, secret)); tok.AccessToken == "" {
				t.Fatalf("after unfreeze the secret works again: %+v", tok)
			}
			r = c.post("/dev/settings/secret/unfreeze", nil, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("") != "secret_not_frozen" {
				t.Fatalf("unfreeze when not frozen: %q", r.errCode(""))
			}
			if got := e.oplogActions(a); !slices.Contains(got, "secret_frozen") || !slices.Contains(got, "secret_unfrozen") {
				t.Fatalf("operation log %q", got)
			}
		})
	}
}

func ipList(n int) string {
	var l []string
	for i := 1; i <= n; i++ {
		l = append(l, fmt.Sprintf("10.0.0.%d", i))
	}
	return strings.Join(l, "\n")
}

// The IP whitelist: addresses, a.b.c.* and CIDR, no ports, at most 10; errors keep what
// was typed and change nothing.
func TestIPWhitelistSave(t *testing.T) {
	cases := []struct {
		name, ips, code string
		want            []string
	}{
		{"ten entries of each shape", "1.2.3.4\n\n 10.1.2.* \n192.168.0.0/16\n2001:db8::1\n2001:db8::/32\n" + ipList(5), "",
			append([]string{"1.2.3.4", "10.1.2.*", "192.168.0.0/16", "2001:db8::1", "2001:db8::/32"}, strings.Split(ipList(5), "\n")...)},
		{"empty lifts the restriction", "", "", nil},
		{"eleven", ipList(11), "ip_quota", nil},
		{"a port", "1.2.3.4:8080", "ip_invalid", nil},
		{"not an address", "1.2.3.256", "ip_invalid", nil},
		{"a bad prefix", "10.0.0.0/33", "ip_invalid", nil},
		{"a bad wildcard", "10.*.*.*", "ip_invalid", nil},
	}
	for _, htmx := range []bool{false, true} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s htmx=%v", tc.name, htmx), func(t *testing.T) {
				e := newEnv(t)
				admin := e.person("admin_one", "张三")
				a := e.account("owner@example.com", admin, "personal")
				c := e.console(a, admin)
				wantRedirect(t, c.post("/dev/settings/ip-whitelist", url.Values{"ips": {"8.8.8.8"}}, false), false)
				r := c.post("/dev/settings/ip-whitelist", url.Values{"ips": {tc.ips}}, htmx)
				ds, _ := e.st.DevSettingsOf(context.Background(), a.ID)
				if tc.code == "" {
					wantRedirect(t, r, htmx)
					if !slices.Equal(ds.IPWhitelist, tc.want) {
						t.Fatalf("stored %q, want %q", ds.IPWhitelist, tc.want)
					}
					if got := e.oplogActions(a); len(got) < 2 || got[0] != "ip_whitelist_set" {
						t.Fatalf("operation log %q", got)
					}
					return
				}
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if r.errCode("ips") != tc.code || r.fullPage() == htmx {
					t.Fatalf("error %q (full page %v), want %q", r.errCode("ips"), r.fullPage(), tc.code)
				}
				if r.doc.Find(`textarea[name="ips"]`).Text() != tc.ips || r.doc.Find(`textarea[name="ips"]`).AttrOr("aria-invalid", "") != "true" {
					t.Fatalf("the form lost the typed value or aria-invalid: %q", r.doc.Find(`textarea[name="ips"]`).Text())
				}
				if !slices.Equal(ds.IPWhitelist, []string{"8.8.8.8"}) {
					t.Fatalf("a refused list changed the whitelist to %q", ds.IPWhitelist)
				}
			})
		}
	}
}

func domainList(scheme string, n int) string {
	var l []string
	for i := 1; i <= n; i++ {
		l = append(l, fmt.Sprintf("%sapi%d.example.com", scheme, i))
	}
	return strings.Join(l, "\n")
}

// Server domains: https:// (wss:// for socket), a DNS name with an optional port, not an IP,
// localhost or api.weixin.qq.com, at most 20 per kind.
func TestDomainsSave(t *testing.T) {
	cases := []struct {
		name, field, value, code string
	}{
		{"twenty with ports and case", "request", domainList("https://", 19) + "\nHTTPS://Pay.Example.com:8443", ""},
		{"socket", "socket", "wss://ws.example.com", ""},
		{"twenty-one", "upload", domainList("https://", 21), "domain_quota"},
		{"http", "request", "http://api.example.com", "domain_invalid"},
		{"an IP", "download", "https://1.2.3.4", "domain_invalid"},
		{"localhost", "request", "https://localhost", "domain_invalid"},
		{"the WeChat API", "request", "https://api.weixin.qq.com", "domain_invalid"},
		{"a path", "request", "https://api.example.com/v1", "domain_invalid"},
		{"https for socket", "socket", "https://ws.example.com", "domain_invalid"},
		{"wss for request", "request", "wss://ws.example.com", "domain_invalid"},
	}
	for _, htmx := range []bool{false, true} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s htmx=%v", tc.name, htmx), func(t *testing.T) {
				e := newEnv(t)
				admin := e.person("admin_one", "张三")
				a := e.account("owner@example.com", admin, "personal")
				c := e.console(a, admin)
				form := url.Values{"request": {"https://keep.example.com"}, tc.field: {tc.value}}
				r := c.post("/dev/settings/domains", form, htmx)
				ds, _ := e.st.DevSettingsOf(context.Background(), a.ID)
				if tc.code == "" {
					wantRedirect(t, r, htmx)
					want := store.SplitLines(strings.ToLower(tc.value))
					if !slices.Equal(ds.Domains[tc.field], want) {
						t.Fatalf("stored %q, want %q", ds.Domains[tc.field], want)
					}
					if got := e.oplogActions(a); got[0] != "domains_set" {
						t.Fatalf("operation log %q", got)
					}
					return
				}
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if r.errCode(tc.field) != tc.code || r.fullPage() == htmx {
					t.Fatalf("error %q (full page %v), want %q", r.errCode(tc.field), r.fullPage(), tc.code)
				}
				if got := r.doc.Find(`textarea[name="` + tc.field + `"]`).Text(); got != tc.value {
					t.Fatalf("the form lost the typed value: %q", got)
				}
				if len(ds.Domains["request"]) != 0 {
					t.Fatalf("a refused form stored %q", ds.Domains["request"])
				}
			})
		}
	}
}

// SPEC §9: developers view and edit the whitelist and domains but not the secret;
// operators and analysts see nothing of it.
func TestDevSettingsPermissions(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	people := map[string]store.Person{}
	for _, role := range []string{"developer", "operator", "analyst"} {
		people[role] = e.person(role+"_one", "")
		e.member(a, people[role], "project", role, "active")
	}
	r := e.console(a, admin).post("/dev/settings/secret", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	wait := r.location()
	secretPaths := []string{"/dev/settings/secret", "/dev/settings/secret/freeze", "/dev/settings/secret/unfreeze"}

	dev := e.console(a, people["developer"])
	page := dev.get("/dev/settings")
	wantStatus(t, page, http.StatusOK)
	if page.doc.Find(`form[action^="/dev/settings/secret"]`).Length() != 0 {
		t.Fatal("a developer is shown AppSecret buttons")
	}
	wantRedirect(t, dev.post("/dev/settings/ip-whitelist", url.Values{"ips": {"1.2.3.4"}}, false), false)
	wantRedirect(t, dev.post("/dev/settings/domains", url.Values{"request": {"https://a.example.com"}}, false), false)
	for _, p := range secretPaths {
		wantStatus(t, dev.post(p, nil, false), http.StatusForbidden)
	}
	wantStatus(t, dev.get(wait), http.StatusForbidden)
	for _, role := range []string{"operator", "analyst"} {
		c := e.console(a, people[role])
		wantStatus(t, c.get("/dev/settings"), http.StatusForbidden)
		wantStatus(t, c.post("/dev/settings/ip-whitelist", url.Values{"ips": {"9.9.9.9"}}, false), http.StatusForbidden)
		if c.get("/home").doc.Find(`nav a[href="/dev/settings"]`).Length() != 0 {
			t.Fatalf("the %s sees the development link", role)
		}
	}
	if ds, _ := e.st.DevSettingsOf(context.Background(), a.ID); !slices.Equal(ds.IPWhitelist, []string{"1.2.3.4"}) {
		t.Fatalf("whitelist %q, want the developer's", ds.IPWhitelist)
	}
}
