package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// raw sends a request without a browser's cookies or CSRF token, as an API client would.
func (e *env) raw(t *testing.T, method, path, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.http.URL+path, strings.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// Under the API's prefixes every answer is the real API's JSON, with no CSRF check and no
// HTML: an unknown path is 404 with the real 40066 invalid url, a wrong method 405, a body
// over the limit 413, and a POST-only endpoint answers its other methods with the real
// 43002. Outside them an unknown path is the 404 page for any method, not the CSRF 403.
func TestAPIOwnErrorPath(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		method, path, body string
		status, code       int
		msg                string
	}{
		{"POST", "/cgi-bin/token", "", 405, -1, "method not allowed"},
		{"PUT", "/cgi-bin/stable_token", "{}", 200, 43002, "require POST method"},
		{"GET", "/cgi-bin/stable_token", "", 200, 43002, "require POST method"},
		{"GET", "/cgi-bin/nosuch", "", 404, 40066, "invalid url"},
		{"POST", "/cgi-bin/nosuch", "", 404, 40066, "invalid url"},
		{"DELETE", "/sns/jscode2session", "", 405, -1, "method not allowed"},
		{"GET", "/sns/nosuch/deeper", "", 404, 40066, "invalid url"},
		{"POST", "/cgi-bin/stable_token", strings.Repeat("x", 9<<20), 413, -1, "request entity too large"},
	} {
		status, h, body := e.raw(t, tc.method, tc.path, tc.body)
		var got struct {
			ErrCode int    `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || status != tc.status || h.Get("Content-Type") != "application/json; encoding=utf-8" {
			t.Errorf("%s %s: %d %q %.200s; want %d JSON", tc.method, tc.path, status, h.Get("Content-Type"), body, tc.status)
			continue
		}
		if got.ErrCode != tc.code || !strings.HasPrefix(got.ErrMsg, tc.msg+" rid: ") || !ridSuffix.MatchString(got.ErrMsg) {
			t.Errorf("%s %s: %s; want errcode %d, errmsg %q + rid", tc.method, tc.path, body, tc.code, tc.msg)
		}
		if h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: Cache-Control %q", tc.method, tc.path, h.Get("Cache-Control"))
		}
	}

	for _, method := range []string{"GET", "POST", "PUT"} {
		status, h, body := e.raw(t, method, "/nosuch", "")
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		if status != http.StatusNotFound || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
			doc.Find(`[data-testid="error-page"][data-status="404"]`).Length() != 1 {
			t.Errorf("%s /nosuch: %d %q, want the 404 page", method, status, h.Get("Content-Type"))
		}
	}
}
