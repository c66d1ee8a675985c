package web

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Real PNG, JPEG, GIF and BMP bytes are accepted, plainly and with htmx, stored square and
// served at /icons/{appid} with validators that answer 304.
func TestIconFormats(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	var lastETag string
	for i, format := range []string{"png", "jpeg", "gif", "bmp"} {
		htmx := i%2 == 1
		// Named .txt on purpose: the format is judged by content.
		r := biUpload(c, "/settings/basic/icon", nil, "icon", "upload.txt", biImage(t, format, 120, 80), htmx)
		if htmx {
			wantStatus(t, r, http.StatusOK)
			wantFragment(t, r, true)
			if r.doc.Find(`img[data-testid="icon-img"]`).Length() != 1 || r.doc.Find(`section#basic-name`).Length() != 0 {
				t.Fatalf("%s: the htmx answer is not the icon section with the icon", format)
			}
		} else {
			wantStatus(t, r, http.StatusSeeOther)
		}
		g := c.get("/icons/" + a.AppID)
		wantStatus(t, g, http.StatusOK)
		if ct := g.header.Get("Content-Type"); ct != "image/png" {
			t.Fatalf("%s: served as %q", format, ct)
		}
		cfg, err := png.DecodeConfig(strings.NewReader(g.body))
		if err != nil || cfg.Width != 80 || cfg.Height != 80 {
			t.Fatalf("%s: stored %dx%d (%v), want the 80x80 centre", format, cfg.Width, cfg.Height, err)
		}
		etag := g.header.Get("ETag")
		if etag == "" || etag == lastETag || g.header.Get("Last-Modified") == "" {
			t.Fatalf("%s: validators ETag %q Last-Modified %q", format, etag, g.header.Get("Last-Modified"))
		}
		lastETag = etag
		e.clock.Advance(time.Minute)
	}
	for _, h := range []map[string]string{{"If-None-Match": lastETag}, {"If-Modified-Since": e.clock.Now().Add(time.Hour).Format(http.TimeFormat)}} {
		req, _ := http.NewRequest("GET", e.http.URL+"/icons/"+a.AppID, nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotModified {
			t.Fatalf("%v: status %d, want 304", h, res.StatusCode)
		}
	}
	if r := e.client().get("/icons/wx0000000000000000"); r.status != http.StatusNotFound {
		t.Fatalf("unknown appid: %d", r.status)
	}
}

// Anything that is not a decodable image, or is over 2 MB, is refused next to the field
// with 422 (never 5xx), plainly and with htmx, and nothing is stored.
func TestIconRefused(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	good := biImage(t, "png", 64, 64)
	big := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 3<<20)...)
	for _, tc := range []struct {
		name, file string
		data       []byte
		code       string
	}{
		{"a renamed text file", "icon.png", []byte("hello, I am not a picture at all"), "icon_format"},
		{"a truncated PNG", "icon.png", good[:len(good)/2], "icon_format"},
		{"a JPEG header only", "icon.jpg", []byte("\xff\xd8\xff\xe0 not really"), "icon_format"},
		{"an empty file", "icon.png", nil, "icon_format"},
		{"no file at all", "", nil, "icon_format"},
		{"3 MB", "icon.png", big, "icon_too_large"},
		{"2 MB and one byte", "icon.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 2<<20-7)...), "icon_too_large"},
	} {
		for _, htmx := range []bool{false, true} {
			field := "icon"
			if tc.file == "" {
				field = ""
			}
			r := biUpload(c, "/settings/basic/icon", nil, field, tc.file, tc.data, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantFragment(t, r, htmx)
			if got := r.errCode("icon"); got != tc.code {
				t.Errorf("%s (htmx=%v): %q, want %q", tc.name, htmx, got, tc.code)
			}
		}
	}
	if biInfo(e, a).Icon.ETag != "" || c.get("/icons/"+a.AppID).status != http.StatusNotFound {
		t.Fatal("a refused icon was stored")
	}
	// A body over the server's 8 MB limit never reaches the handler: 413, not 5xx.
	r := biUpload(c, "/settings/basic/icon", nil, "icon", "huge.png", bytes.Repeat([]byte{1}, 9<<20), false)
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	if biInfo(e, a).Icon.ETag != "" {
		t.Fatal("an oversized body was stored")
	}
}

// The icon may change 5 times per calendar year after the free first setting; the
// allowance renews when the clock crosses into the next year (China time).
func TestIconQuotaPerYear(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	for i := 0; i <= 5; i++ {
		r := biUpload(c, "/settings/basic/icon", nil, "icon", "i.png", biImage(t, "png", 10+i, 10+i), false)
		wantStatus(t, r, http.StatusSeeOther)
	}
	before := biInfo(e, a).Icon.ETag
	for _, htmx := range []bool{false, true} {
		r := biUpload(c, "/settings/basic/icon", nil, "icon", "i.png", biImage(t, "gif", 30, 30), htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.errCode("icon"); got != "icon_change_quota" {
			t.Fatalf("sixth change: %q", got)
		}
		if got := r.doc.Find(`[data-testid="icon-quota"]`).AttrOr("data-remaining", ""); got != "0" {
			t.Fatalf("quota shown: %q", got)
		}
	}
	if biInfo(e, a).Icon.ETag != before {
		t.Fatal("a refused change replaced the icon")
	}
	// 2026-12-31 16:00 UTC is 2027-01-01 in China.
	e.clock.Advance(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	c = e.console(a, admin) // signed in again: the session timed out meanwhile (SPEC §6)
	wantStatus(t, biUpload(c, "/settings/basic/icon", nil, "icon", "i.png", biImage(t, "gif", 30, 30), false), http.StatusSeeOther)
	if got := c.get("/settings/basic").doc.Find(`[data-testid="icon-quota"]`).AttrOr("data-remaining", ""); got != "4" {
		t.Fatalf("after the new year: %q left, want 4", got)
	}
	res, _ := http.Get(e.http.URL + "/icons/" + a.AppID)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if cfg, _ := png.DecodeConfig(bytes.NewReader(body)); cfg.Width != 30 {
		t.Fatalf("served icon is %d wide, want the new 30", cfg.Width)
	}
}
