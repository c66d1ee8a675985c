package web

import (
	"bytes"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"mpconsole/store/qrread"
)

const (
	pathUnlimit       = "/wxa/getwxacodeunlimit"
	pathWXACode       = "/wxa/getwxacode"
	pathQRCode        = "/cgi-bin/wxaapp/createwxaqrcode"
	msgPathLen        = "invalid length for path, or the data is not json string rid: "
	msgSceneLen       = "invalid length for scene, or the data is not json string rid: "
	msgBadPage        = "invalid page rid: "
	msgArgs           = "invalid args rid: "
	msgScancode       = "not allow include scancode_time field rid: "
	msgQRQuota        = "qrcode count out of limit rid: "
	msgBadScene       = "invalid scene rid: "
	msgQRScancodeTime = "page or path not allow include scancode_time field rid: "
)

// scanCode checks a code answer (HTTP 200, image/jpeg, a square JPEG) and returns its side
// and the URL a QR reader finds in it.
func scanCode(t *testing.T, r callResp) (int, string) {
	t.Helper()
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("status %d, content type %q, body %.200s; want 200 image/jpeg", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	img, err := jpeg.Decode(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatalf("not a JPEG: %v", err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != h {
		t.Fatalf("the code is %d×%d", w, h)
	}
	text, err := qrread.Text(img)
	if err != nil {
		t.Fatalf("the QR code (%d px) does not decode: %v", img.Bounds().Dx(), err)
	}
	return img.Bounds().Dx(), text
}

// The three code calls answer a JPEG QR code of the simulator URL (at the server's base
// URL) that opens the mini program at the version, path and scene asked, at the width
// asked (430 by default, 280–1280); getwxacode and createwxaqrcode say how many counted
// codes were made (Num-Used).
func TestAPICodes(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	app := e.http.URL + "/wx/apps/" + e.acct.AppID
	for _, tc := range []struct {
		path  string
		body  map[string]any
		width int
		url   string
		used  string
	}{
		{pathUnlimit, map[string]any{"scene": "id=42&from=poster", "page": "pages/goods/detail", "check_path": false}, 430,
			app + "?env=release&path=pages/goods/detail&scene=id%3D42%26from%3Dposter", ""},
		{pathUnlimit, map[string]any{"scene": 42, "check_path": false, "env_version": "trial", "width": 280}, 280, app + "?env=trial&scene=42", ""},
		{pathUnlimit, map[string]any{"scene": "a", "check_path": false, "env_version": "develop", "width": 2000, "line_color": map[string]string{"r": "0", "g": "0", "b": "0"}},
			1280, app + "?env=develop&scene=a", ""},
		{pathWXACode, map[string]any{"path": "pages/index/index?foo=bar", "width": 500}, 500, app + "?env=release&path=pages/index/index%3Ffoo%3Dbar", "1"},
		{pathQRCode, map[string]any{"path": "pages/index/index"}, 430, app + "?env=release&path=pages/index/index", "2"},
	} {
		r := e.postJSON(t, withToken(tc.path, token), tc.body)
		width, url := scanCode(t, r)
		if width != tc.width || url != tc.url || r.Header.Get("Num-Used") != tc.used {
			t.Errorf("%s %v: %d px, %s, Num-Used %q; want %d px, %s, %q", tc.path, tc.body, width, url, r.Header.Get("Num-Used"), tc.width, tc.url, tc.used)
		}
	}
}

// The code calls' refusals, as JSON with the real wording; check_path is true when the
// body does not say, so before any release a page is 41030.
func TestAPICodeErrors(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	long := strings.Repeat("a", 33)
	for _, tc := range []struct {
		path string
		body map[string]any
		code int
		msg  string
	}{
		{pathUnlimit, map[string]any{"page": "pages/index/index", "check_path": false}, 40169, msgSceneLen},
		{pathUnlimit, map[string]any{"scene": "", "check_path": false}, 40169, msgSceneLen},
		{pathUnlimit, map[string]any{"scene": long, "check_path": false}, 40169, msgSceneLen},
		{pathUnlimit, map[string]any{"scene": "a b", "check_path": false}, 40129, msgBadScene},
		{pathUnlimit, map[string]any{"scene": "id%3D1", "check_path": false}, 40129, msgBadScene},
		{pathUnlimit, map[string]any{"scene": "名字", "check_path": false}, 40129, msgBadScene},
		{pathUnlimit, map[string]any{"scene": "a", "page": "pages/index/index"}, 41030, msgBadPage},
		{pathUnlimit, map[string]any{"scene": "a"}, 41030, msgBadPage},
		{pathUnlimit, map[string]any{"scene": "a", "page": "/pages/index/index", "check_path": false}, 41030, msgBadPage},
		{pathUnlimit, map[string]any{"scene": "a", "page": "pages/index/index?id=1", "check_path": false}, 41030, msgBadPage},
		{pathUnlimit, map[string]any{"scene": "a", "page": "pages/index/index?scancode_time=1", "check_path": false}, 85096, msgScancode},
		{pathUnlimit, map[string]any{"scene": "a", "env_version": "prod", "check_path": false}, 40097, msgArgs},
		{pathWXACode, map[string]any{}, 40159, msgPathLen},
		{pathWXACode, map[string]any{"path": strings.Repeat("页", 1025)}, 40159, msgPathLen},
		{pathWXACode, map[string]any{"path": "pages/index/index?scancode_time=1"}, 85096, msgScancode},
		{pathWXACode, map[string]any{"path": "pages/index/index", "env_version": "beta"}, 40097, msgArgs},
		{pathQRCode, map[string]any{"path": ""}, 40159, msgPathLen},
		{pathQRCode, map[string]any{"path": strings.Repeat("p", 129)}, 40159, msgPathLen},
		{pathQRCode, map[string]any{"path": "pages/index/index?scancode_time=1"}, 85096, msgQRScancodeTime},
		{pathQRCode, map[string]any{"path": "pages/index/index", "env_version": "trial"}, 40097, msgArgs},
	} {
		e.postJSON(t, withToken(tc.path, token), tc.body).wantErrcode(t, tc.code, tc.msg)
	}
	scanCode(t, e.postJSON(t, withToken(pathQRCode, token), map[string]any{"path": strings.Repeat("p", 128)}))

	e.release("pages/index/index", "pages/goods/detail")
	scanCode(t, e.postJSON(t, withToken(pathUnlimit, token), map[string]any{"scene": "a", "page": "pages/goods/detail"}))
	scanCode(t, e.postJSON(t, withToken(pathUnlimit, token), map[string]any{"scene": "a"}))
	e.postJSON(t, withToken(pathUnlimit, token), map[string]any{"scene": "a", "page": "pages/missing/x"}).wantErrcode(t, 41030, msgBadPage)
	e.postJSON(t, withToken(pathUnlimit, token), map[string]any{"scene": "a", "page": "pages/missing/x", "check_path": true}).wantErrcode(t, 41030, msgBadPage)

	// 100,000 counted codes per account (getwxacode and createwxaqrcode together).
	e.exec(`UPDATE wxacode_counts SET used = 99999 WHERE account_id = ?`, e.acct.ID)
	if r := e.postJSON(t, withToken(pathWXACode, token), map[string]any{"path": "pages/index/index"}); r.Header.Get("Num-Used") != "100000" {
		t.Fatalf("code 100,000: Num-Used %q, %.200s", r.Header.Get("Num-Used"), r.Raw)
	}
	e.postJSON(t, withToken(pathWXACode, token), map[string]any{"path": "pages/index/index"}).wantErrcode(t, 45029, msgQRQuota)
	e.postJSON(t, withToken(pathQRCode, token), map[string]any{"path": "pages/index/index"}).wantErrcode(t, 45029, msgQRQuota)
	scanCode(t, e.postJSON(t, withToken(pathUnlimit, token), map[string]any{"scene": "unlimited"}))
}
