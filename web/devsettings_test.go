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
				wantDone(t, c.post("/dev/settings/ip-whitelist", url.Values{"ips": {"8.8.8.8"}}, false), false)
				r := c.post("/dev/settings/ip-whitelist", url.Values{"ips": {tc.ips}}, htmx)
				ds, err := e.st.DevSettingsOf(context.Background(), a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if tc.code == "" {
					wantDone(t, r, htmx)
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
				ds, err := e.st.DevSettingsOf(context.Background(), a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if tc.code == "" {
					wantDone(t, r, htmx)
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
	wantDone(t, dev.post("/dev/settings/ip-whitelist", url.Values{"ips": {"1.2.3.4"}}, false), false)
	wantDone(t, dev.post("/dev/settings/domains", url.Values{"request": {"https://a.example.com"}}, false), false)
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
