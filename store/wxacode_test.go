package store

import (
	"bytes"
	"errors"
	"image/jpeg"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store/qrread"
)

const codeBase = "http://mp.example:8080/"

// decodeCode reads a code's JPEG back: its side in pixels and the URL a reader finds.
func decodeCode(t *testing.T, b []byte) (int, string) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a JPEG: %v", err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != h {
		t.Fatalf("the code is %d×%d, not square", w, h)
	}
	text, err := qrread.Text(img)
	if err != nil {
		t.Fatalf("the QR code (%d px) does not decode: %v", img.Bounds().Dx(), err)
	}
	return img.Bounds().Dx(), text
}

// Each kind of code is a JPEG QR code of the simulator URL, at the width asked (430 by
// default, clamped to 280–1280), that a QR reader decodes.
func TestMiniProgramCodeDecodes(t *testing.T) {
	e := newAPIEnv(t)
	app := "http://mp.example:8080/wx/apps/" + e.acct.AppID
	for _, tc := range []struct {
		req   CodeRequest
		width int
		url   string
	}{
		{CodeRequest{Kind: CodeUnlimited, Scene: "id=42&from=poster", Page: "pages/goods/detail", CheckPath: false},
			430, app + "?env=release&path=pages/goods/detail&scene=id%3D42%26from%3Dposter"},
		{CodeRequest{Kind: CodeUnlimited, Scene: "a", EnvVersion: "trial", Width: 280}, 280, app + "?env=trial&scene=a"},
		{CodeRequest{Kind: CodeUnlimited, Scene: strings.Repeat("Z", 32), EnvVersion: "develop", Width: 1280}, 1280,
			app + "?env=develop&scene=" + strings.Repeat("Z", 32)},
		{CodeRequest{Kind: CodeLimited, Page: "pages/index/index?foo=bar", Width: 100}, 280, app + "?env=release&path=pages/index/index%3Ffoo%3Dbar"},
		{CodeRequest{Kind: CodeLimited, Page: "pages/" + strings.Repeat("p", 1018), EnvVersion: "trial", Width: 5000}, 1280,
			app + "?env=trial&path=pages/" + strings.Repeat("p", 1018)},
		{CodeRequest{Kind: CodeQR, Page: "pages/index/index", Width: 640}, 640, app + "?env=release&path=pages/index/index"},
	} {
		img, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, tc.req)
		if err != nil {
			t.Errorf("%+v: %v", tc.req, err)
			continue
		}
		width, text := decodeCode(t, img.JPEG)
		if width != tc.width || img.Width != tc.width {
			t.Errorf("%s: %d px (reported %d), want %d", tc.req.Kind, width, img.Width, tc.width)
		}
		if text != tc.url || img.URL != tc.url {
			t.Errorf("%s: the code holds %q (reported %q), want %q", tc.req.Kind, text, img.URL, tc.url)
		}
		if u, err := url.Parse(text); err != nil || u.Query().Get("scene") != tc.req.Scene || u.Query().Get("path") != tc.req.Page {
			t.Errorf("%s: %q does not carry the scene and path", tc.req.Kind, text)
		}
	}
	if used, _ := e.st.CodesUsed(e.ctx, e.acct.ID); used != 3 {
		t.Errorf("%d codes counted, want 3 (getwxacode and createwxaqrcode only)", used)
	}
}

// Every refusal of the code calls with its real errcode.
func TestMiniProgramCodeRefusals(t *testing.T) {
	e := newAPIEnv(t)
	u := func(scene, page string, check bool) CodeRequest {
		return CodeRequest{Kind: CodeUnlimited, Scene: scene, Page: page, CheckPath: check}
	}
	for _, tc := range []struct {
		name string
		req  CodeRequest
		want APIError
	}{
		{"empty scene", u("", "", false), 40169},
		{"scene of 33", u(strings.Repeat("a", 33), "", false), 40169},
		{"scene with %", u("a%20b", "", false), 40129},
		{"scene with Chinese", u("商品", "", false), 40129},
		{"scene with a space", u("a b", "", false), 40129},
		{"page with a leading slash", u("a", "/pages/index/index", false), 41030},
		{"page with a query", u("a", "pages/index/index?x=1", false), 41030},
		{"page with scancode_time", u("a", "pages/index/index/scancode_time", false), 85096},
		{"check_path before any release", u("a", "pages/index/index", true), 41030},
		{"check_path with no page before any release", u("a", "", true), 41030},
		{"unknown env_version", CodeRequest{Kind: CodeUnlimited, Scene: "a", EnvVersion: "prod"}, 40097},
		{"getwxacode without path", CodeRequest{Kind: CodeLimited}, 40159},
		{"getwxacode path of 1025", CodeRequest{Kind: CodeLimited, Page: strings.Repeat("p", 1025)}, 40159},
		{"getwxacode scancode_time", CodeRequest{Kind: CodeLimited, Page: "pages/a?scancode_time=1"}, 85096},
		{"createwxaqrcode without path", CodeRequest{Kind: CodeQR}, 40159},
		{"createwxaqrcode path of 129 bytes", CodeRequest{Kind: CodeQR, Page: strings.Repeat("p", 129)}, 40159},
		{"createwxaqrcode path of 43 Chinese (129 bytes)", CodeRequest{Kind: CodeQR, Page: strings.Repeat("页", 43)}, 40159},
		{"createwxaqrcode for trial", CodeRequest{Kind: CodeQR, Page: "pages/index/index", EnvVersion: "trial"}, 40097},
		{"unknown kind", CodeRequest{Kind: "getqrcode", Page: "p"}, 40097},
	} {
		_, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, tc.req)
		var got APIError
		if !errors.As(err, &got) || got != tc.want {
			t.Errorf("%s: err = %v, want %d", tc.name, err, tc.want)
		}
	}
	if _, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeQR, Page: strings.Repeat("p", 128)}); err != nil {
		t.Errorf("a path of 128 bytes: %v", err)
	}
	// 1,024 Chinese characters are allowed but escape to 9,216 bytes, more than a QR code
	// holds: the stand-in cannot draw them and says the path is too long.
	_, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeLimited, Page: strings.Repeat("页", 1024)})
	wantAPIError(t, err, 40159)
}

// check_path: the page must be one of the released package's app.json pages.
func TestMiniProgramCodeCheckPath(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	e.released("1.0.0", ModeFull, PhasePlan{})
	for page, want := range map[string]error{
		"":                  nil, // the home page
		"pages/about/about": nil,
		"pages/index/index": nil,
		"pages/missing/x":   APIInvalidPage,
		"pages/about":       APIInvalidPage,
	} {
		_, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeUnlimited, Scene: "s", Page: page, CheckPath: true})
		if !errors.Is(err, want) {
			t.Errorf("page %q: %v, want %v", page, err, want)
		}
	}
	if _, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeUnlimited, Scene: "s", Page: "pages/missing/x"}); err != nil {
		t.Errorf("without check_path any page goes: %v", err)
	}
}

// getwxacode and createwxaqrcode share 100,000 codes per account (45029); the unlimited
// kind is not counted.
func TestMiniProgramCodeQuota(t *testing.T) {
	e := newAPIEnv(t)
	if _, err := e.st.write.ExecContext(e.ctx, `INSERT INTO wxacode_counts (account_id, used) VALUES (?, 99999)`, e.acct.ID); err != nil {
		t.Fatal(err)
	}
	img, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeLimited, Page: "pages/index/index"})
	must(t, err)
	if img.Used != 100000 {
		t.Fatalf("Used = %d, want 100000", img.Used)
	}
	calls := e.apiCalls()
	_, err = e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeLimited, Page: "pages/index/index"})
	wantAPIError(t, err, 45029)
	_, err = e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeQR, Page: "pages/index/index"})
	wantAPIError(t, err, 45029)
	if used, _ := e.st.CodesUsed(e.ctx, e.acct.ID); used != 100000 || e.apiCalls() != calls {
		t.Fatalf("refusals made codes or counted as answered: used %d, calls %d → %d", used, calls, e.apiCalls())
	}
	if e.refusals("/wxa/getwxacode", "45029") != 1 || e.refusals("/cgi-bin/wxaapp/createwxaqrcode", "45029") != 1 {
		t.Fatal("the refusals were not counted with their errcode under their endpoint")
	}
	if _, err := e.st.MiniProgramCode(e.ctx, e.acct.ID, codeBase, CodeRequest{Kind: CodeUnlimited, Scene: "s"}); err != nil {
		t.Fatalf("getwxacodeunlimit is not limited: %v", err)
	}
}
