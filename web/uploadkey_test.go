package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mpconsole/store"
)

var (
	uploadKeyWait = regexp.MustCompile(`^/dev/settings/upload-key/wait/([0-9a-f]{64})$`)
	hex64         = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// consoleUploadKey walks the console flow for c (signed in as admin): POST, the waiting
// page with its scan, the administrator's confirmation on the phone, the redirect and the
// one-time page; it returns the key and the one-time page's path.
func (e *env) consoleUploadKey(c *client, admin store.Person, htmx bool) (key, showPath string) {
	e.t.Helper()
	r := c.post("/dev/settings/upload-key", nil, htmx)
	wantDone(e.t, r, htmx)
	wait := r.location()
	m := uploadKeyWait.FindStringSubmatch(wait)
	if m == nil {
		e.t.Fatalf("POST /dev/settings/upload-key went to %q, want the waiting page", wait)
	}
	w := c.get(wait)
	wantStatus(e.t, w, http.StatusOK)
	if link := w.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", ""); !strings.HasSuffix(link, "/wx/scan/"+m[1]) {
		e.t.Fatalf("waiting page scan link %q", link)
	}
	phone := e.wx(admin).get("/wx/scan/" + m[1])
	if p := phone.doc.Find(`[data-testid="wx-scan"]`).AttrOr("data-purpose", ""); p != store.PurposeUploadKey {
		e.t.Fatalf("the phone shows purpose %q, want upload_key", p)
	}
	wantStatus(e.t, e.wx(admin).post("/wx/scan/"+m[1], url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	r = c.do("GET", wait, nil, "", htmx)
	wantDone(e.t, r, htmx)
	if showPath = r.location(); showPath != "/dev/settings/upload-key/"+m[1] {
		e.t.Fatalf("confirmed waiting page went to %q", showPath)
	}
	show := c.get(showPath)
	wantStatus(e.t, show, http.StatusOK)
	return show.testid("upload-key"), showPath
}

// The code-upload key (SPEC §12, §14 hook upload-key): generated after the administrator's
// upload_key scan, 64 characters shown exactly once (410 afterwards), never stored in
// clear; a reset makes the old key fail at once.
func TestUploadKeyGenerateAndReset(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			e := newEnv(t)
			admin := e.person("admin_one", "张三")
			a := e.account("owner@example.com", admin, "personal")
			c := e.console(a, admin)
			page := c.get("/dev/settings")
			if st := page.doc.Find(`[data-testid="upload-key-state"]`).AttrOr("data-state", ""); st != "none" {
				t.Fatalf("upload key state %q before any key", st)
			}
			key, show := e.consoleUploadKey(c, admin, htmx)
			if !hex64.MatchString(key) {
				t.Fatalf("upload-key %q, want 64 hex characters", key)
			}
			wantStatus(t, c.get(show), http.StatusGone)
			if r := c.get(show); r.errCode("") != "upload_key_shown" {
				t.Fatalf("the gone page's alert: %q", r.errCode(""))
			}
			page = c.get("/dev/settings")
			if st := page.doc.Find(`[data-testid="upload-key-state"]`).AttrOr("data-state", ""); st != "active" || strings.Contains(page.body, key) {
				t.Fatalf("after generating: state %q, key on the page %v", st, strings.Contains(page.body, key))
			}
			if n := e.query(`SELECT count(*) FROM upload_keys WHERE key_hash = ? OR instr(key_hash, ?) > 0`, key, key); n != 0 {
				t.Fatal("the key is stored in clear")
			}
			ctx, ip := context.Background(), netip.MustParseAddr("127.0.0.1")
			if id, err := e.st.CheckUploadKey(ctx, a.AppID, key, ip); err != nil || id != a.ID {
				t.Fatalf("the new key does not authorize uploads: %d, %v", id, err)
			}
			second, _ := e.consoleUploadKey(c, admin, htmx)
			if second == key || !hex64.MatchString(second) {
				t.Fatalf("reset gave %q after %q", second, key)
			}
			if _, err := e.st.CheckUploadKey(ctx, a.AppID, key, ip); !errors.Is(err, store.ErrUploadKeyInvalid) {
				t.Fatalf("the old key still works: %v", err)
			}
		})
	}
}

// Only the administrator sees the generate button; a developer sees the card and may edit
// the key's IP whitelist; the scan confirmed by a developer generates nothing (not_admin).
func TestUploadKeyRoles(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	dev := e.person("dev_one", "")
	a := e.account("owner@example.com", admin, "personal")
	e.member(a, dev, "project", "developer", "active")
	r := e.console(a, dev).get("/dev/settings")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="upload-key-section"]`).Length() != 1 || r.doc.Find(`form[action="/dev/settings/upload-key"]`).Length() != 0 ||
		r.doc.Find(`[data-testid="edit-upload-ips"]`).Length() != 1 {
		t.Fatal("a developer sees the card and the whitelist's edit link, not the generate button")
	}
	if e.console(a, admin).get("/dev/settings").doc.Find(`form[action="/dev/settings/upload-key"] button`).Length() != 1 {
		t.Fatal("the administrator sees the generate button")
	}
	w := e.console(a, admin).post("/dev/settings/upload-key", nil, false)
	token := uploadKeyWait.FindStringSubmatch(w.location())[1]
	if phone := e.wx(dev).post("/wx/scan/"+token, url.Values{"decision": {"confirm"}}, false); phone.errCode("") != "not_admin" {
		t.Fatalf("a developer confirming: %q, want not_admin", phone.errCode(""))
	}
	if k, _ := e.st.UploadKeyOf(context.Background(), a.ID); k.Exists {
		t.Fatal("a scan by a developer generated a key")
	}
}

// The key's own IP whitelist (SPEC §12: at most 10 entries, the syntax of §10), separate
// from the API's: errors next to the field with 422, plain and htmx; saved, it shows on
// the page and governs CheckUploadKey.
func TestUploadKeyIPWhitelist(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			e := newEnv(t)
			admin := e.person("admin_one", "张三")
			a := e.account("owner@example.com", admin, "personal")
			c := e.console(a, admin)
			open := c.do("GET", "/dev/settings/upload-key/ip-whitelist", nil, "", htmx)
			wantStatus(t, open, http.StatusOK)
			if open.doc.Find(`textarea[name="upload_ips"]`).Length() != 1 || open.doc.Find(`textarea[name="ips"]`).Length() != 0 {
				t.Fatal("the edit link opens the upload whitelist's form alone")
			}
			eleven := make([]string, 11)
			for i := range eleven {
				eleven[i] = "10.0.0." + itoa(i+1)
			}
			for _, tc := range []struct{ ips, code string }{
				{"10.0.0.1:8080", "ip_invalid"},
				{"example.com", "ip_invalid"},
				{strings.Join(eleven, "\n"), "ip_quota"},
			} {
				r := c.post("/dev/settings/upload-key/ip-whitelist", url.Values{"upload_ips": {tc.ips}}, htmx)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if r.errCode("upload_ips") != tc.code || r.errCode("ips") != "" {
					t.Errorf("%q: error %q, want %q on upload_ips", tc.ips, r.errCode("upload_ips"), tc.code)
				}
				if got := r.doc.Find(`textarea[name="upload_ips"]`).Text(); got != tc.ips {
					t.Errorf("the form lost the typed value: %q", got)
				}
				if r.doc.Find(`textarea[name="upload_ips"][aria-invalid="true"]`).Length() != 1 {
					t.Error("the field is not marked invalid")
				}
			}
			r := c.post("/dev/settings/upload-key/ip-whitelist", url.Values{"upload_ips": {"127.0.0.1\n10.1.2.*"}}, htmx)
			wantDone(t, r, htmx)
			page := c.get("/dev/settings")
			if got := page.doc.Find(`[data-testid="upload-ip-whitelist"] pre`).Text(); got != "127.0.0.1\n10.1.2.*" {
				t.Fatalf("the page shows %q", got)
			}
			if ds, _ := e.st.DevSettingsOf(context.Background(), a.ID); len(ds.IPWhitelist) != 0 {
				t.Fatalf("the API whitelist changed too: %v", ds.IPWhitelist)
			}
			k, _ := e.st.UploadKeyOf(context.Background(), a.ID)
			if strings.Join(k.IPWhitelist, " ") != "127.0.0.1 10.1.2.*" {
				t.Fatalf("stored %v", k.IPWhitelist)
			}
		})
	}
}

// confirmedUploadKeyWait starts a key in c and has admin confirm it: the waiting page's next
// GET (the browser's) moves on to the one-time page.
func (e *env) confirmedUploadKeyWait(c *client, admin store.Person) string {
	e.t.Helper()
	r := c.post("/dev/settings/upload-key", nil, false)
	wantStatus(e.t, r, http.StatusSeeOther)
	m := uploadKeyWait.FindStringSubmatch(r.location())
	if m == nil {
		e.t.Fatalf("generating went to %q", r.location())
	}
	wantStatus(e.t, e.wx(admin).post("/wx/scan/"+m[1], url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	return r.location()
}
