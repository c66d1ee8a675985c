package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"mpconsole/store/qrread"
)

// Before anything is uploaded every block says what to do next; the upload form shows to
// those who may upload (administrator, developer) and not to the operator.
func TestVersionsPageEmpty(t *testing.T) {
	e := newVerEnv(t, "personal")
	r := e.adminC.open("/versions")
	wantStatus(t, r, http.StatusOK)
	for _, id := range []string{"online-empty", "review-empty", "trial-empty", "dev-empty"} {
		if r.testid(id) == "" {
			t.Errorf("no %s text", id)
		}
	}
	if !strings.Contains(r.testid("dev-empty"), "mpconsole upload") {
		t.Errorf("the empty development block does not name mpconsole upload: %q", r.testid("dev-empty"))
	}
	if r.doc.Find(`[data-testid="nav"] a[href="/versions"]`).Length() != 1 {
		t.Error("the navigation has no link to /versions")
	}
	for _, c := range []struct {
		who  *client
		form bool
	}{{e.adminC, true}, {e.devC, true}, {e.operatorC, false}} {
		got := c.who.get("/versions").doc.Find(`form[data-testid="upload-form"]`).Length() == 1
		if got != c.form {
			t.Errorf("upload form shown = %v, want %v", got, c.form)
		}
	}
}

// An upload by form keeps the package's size, SHA-256 and file count and shows them; a new
// upload by the same person replaces theirs, another uploader's stays (SPEC §12).
func TestVersionUpload(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		pkg := appZip(t, "pages/index", "pages/about")
		r := e.upload(e.adminC, "1.0.0", "第一版", pkg, htmx)
		wantRedirect(t, r, htmx, "/versions")
		wantRedirect(t, e.upload(e.devC, "0.9.0", "", nil, htmx), htmx, "/versions")
		wantRedirect(t, e.upload(e.adminC, "1.0.1", "第二版", pkg, htmx), htmx, "/versions")

		page := e.adminC.open("/versions")
		rows := page.doc.Find(`[data-testid="dev-version"]`)
		if rows.Length() != 2 {
			t.Fatalf("%d development versions, want 2 (one per uploader)", rows.Length())
		}
		mine := page.doc.Find(`[data-testid="dev-version"][data-uploader="ver_admin"]`)
		if mine.AttrOr("data-version", "") != "1.0.1" {
			t.Errorf("the administrator's development version is %q, want 1.0.1", mine.AttrOr("data-version", ""))
		}
		sum := sha256.Sum256(pkg)
		p := mine.Find(`[data-testid="package"]`)
		if p.AttrOr("data-size", "") != strconv.Itoa(len(pkg)) || p.AttrOr("data-sha256", "") != hex.EncodeToString(sum[:]) ||
			p.AttrOr("data-files", "") != "4" {
			t.Errorf("package shown as size %s sha %s files %s", p.AttrOr("data-size", ""), p.AttrOr("data-sha256", ""), p.AttrOr("data-files", ""))
		}
		if !strings.Contains(p.Text(), hex.EncodeToString(sum[:])) {
			t.Error("the SHA-256 is not shown")
		}
		if page.doc.Find(`[data-testid="dev-version"][data-uploader="ver_developer"][data-version="0.9.0"]`).Length() != 1 {
			t.Error("the developer's upload was lost")
		}
		if n := e.query(`SELECT count(*) FROM versions WHERE account_id = ?`, e.a.ID); n != 2 {
			t.Errorf("%d versions stored, want 2 (the replaced one is gone)", n)
		}
	})
}

// Every upload rule of SPEC §12 answers 422 with its code next to its field, keeps what
// was typed, and stores nothing.
func TestVersionUploadErrors(t *testing.T) {
	noAppJSON := zipOf(t, map[string]string{"index.js": "x"})
	badPages := zipOf(t, map[string]string{"app.json": `{"pages": []}`})
	tooLarge := make([]byte, 2<<20+1)
	for _, c := range []struct {
		name, version, desc string
		pkg                 []byte
		field, code         string
	}{
		{"version with a space", "1 0", "", nil, "version", "version_invalid"},
		{"empty version", "", "", nil, "version", "version_invalid"},
		{"version of 65 characters", strings.Repeat("1", 65), "", nil, "version", "version_invalid"},
		{"description of 201 characters", "1.0.0", strings.Repeat("字", 201), nil, "description", "description_invalid"},
		{"not a zip", "1.0.0", "", []byte("not a zip file"), "package", "package_invalid"},
		{"zip without app.json", "1.0.0", "", noAppJSON, "package", "package_invalid"},
		{"app.json without pages", "1.0.0", "", badPages, "package", "package_invalid"},
		{"over 2 MB", "1.0.0", "", tooLarge, "package", "package_too_large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				e := newVerEnv(t, "personal")
				r := e.upload(e.devC, c.version, c.desc, c.pkg, htmx)
				wantFieldError(t, r, htmx, c.field, c.code)
				wantValue(t, r, "version", c.version)
				if n := e.query(`SELECT count(*) FROM versions`) + e.query(`SELECT count(*) FROM packages`); n != 0 {
					t.Errorf("a refused upload stored %d rows", n)
				}
			})
		})
	}
	t.Run("a version of 64 characters and 200 of description pass", func(t *testing.T) {
		e := newVerEnv(t, "personal")
		wantRedirect(t, e.upload(e.devC, strings.Repeat("1", 64), strings.Repeat("字", 200), nil, false), false, "/versions")
	})
}

// Choosing the trial version shows it with a QR code that opens it in the simulator
// (SPEC §12); there is one trial version.
func TestVersionTrial(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		first := e.uploaded(e.adminC, "1.0.0")
		second := e.uploaded(e.devC, "2.0.0")
		wantRedirect(t, e.devC.post("/versions/"+strconv.FormatInt(first, 10)+"/trial", nil, htmx), htmx, "/versions")
		wantRedirect(t, e.adminC.post("/versions/"+strconv.FormatInt(second, 10)+"/trial", nil, htmx), htmx, "/versions")
		r := e.adminC.open("/versions")
		if got := r.doc.Find(`[data-testid="trial-version"]`).AttrOr("data-version", ""); got != "2.0.0" {
			t.Fatalf("trial version %q, want 2.0.0", got)
		}
		if n := r.doc.Find(`[data-testid="dev-version"][data-trial="true"]`).Length(); n != 1 {
			t.Errorf("%d development versions marked as the trial, want 1", n)
		}
		want := e.http.URL + "/wx/apps/" + e.a.AppID + "?env=trial"
		if got := r.doc.Find(`a[data-testid="trial-link"]`).AttrOr("href", ""); got != want {
			t.Errorf("trial link %q, want %q", got, want)
		}
		if got := decodeQR(t, r.doc.Find(`img[data-testid="trial-qr"]`).AttrOr("src", "")); got != want {
			t.Errorf("the trial QR code holds %q, want %q", got, want)
		}
	})
	t.Run("the operator may not choose it", func(t *testing.T) {
		e := newVerEnv(t, "personal")
		id := e.uploaded(e.adminC, "1.0.0")
		wantStatus(t, e.operatorC.post("/versions/"+strconv.FormatInt(id, 10)+"/trial", nil, false), http.StatusForbidden)
		if e.query(`SELECT count(*) FROM versions WHERE trial = 1`) != 0 {
			t.Error("the operator set the trial version")
		}
	})
}

// decodeQR reads the text of a data:image/png QR code.
func decodeQR(t *testing.T, src string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if err != nil || !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Fatalf("not a PNG data URL: %.60s", src)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, err := qrread.Text(img)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return text
}

// Deleting a development version asks first (a page of its own without JavaScript), and
// leaves the same code as the trial version (SPEC §12).
func TestVersionDelete(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		id := e.uploaded(e.devC, "1.0.0")
		path := "/versions/" + strconv.FormatInt(id, 10) + "/delete"
		confirm := e.devC.open(path)
		wantStatus(t, confirm, http.StatusOK)
		if confirm.doc.Find(`[data-testid="confirm-page"] form[action="`+path+`"]`).Length() != 1 {
			t.Fatal("the confirm page has no form posting the deletion")
		}
		wantRedirect(t, e.devC.post("/versions/"+strconv.FormatInt(id, 10)+"/trial", nil, false), false, "/versions")
		wantRedirect(t, e.devC.post(path, nil, htmx), htmx, "/versions")
		r := e.devC.open("/versions")
		if r.doc.Find(`[data-testid="dev-version"]`).Length() != 0 {
			t.Error("the development version is still listed")
		}
		if r.doc.Find(`[data-testid="trial-version"][data-version="1.0.0"]`).Length() != 1 {
			t.Error("deleting the development version removed the trial version")
		}
		wantStatus(t, e.devC.post(path, nil, htmx), http.StatusNotFound)
	})
}

// The package downloads as it was uploaded, for those who may upload.
func TestVersionPackageDownload(t *testing.T) {
	e := newVerEnv(t, "personal")
	pkg := appZip(t, "pages/index")
	wantRedirect(t, e.upload(e.devC, "1.0.0", "", pkg, false), false, "/versions")
	id := e.query(`SELECT id FROM versions`)
	r := e.adminC.get("/versions/" + strconv.FormatInt(id, 10) + "/package")
	wantStatus(t, r, http.StatusOK)
	if !bytes.Equal([]byte(r.body), pkg) {
		t.Error("the download differs from the upload")
	}
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, e.a.AppID+"-1.0.0.zip") {
		t.Errorf("Content-Disposition %q", cd)
	}
	wantStatus(t, e.operatorC.get("/versions/"+strconv.FormatInt(id, 10)+"/package"), http.StatusForbidden)
}
