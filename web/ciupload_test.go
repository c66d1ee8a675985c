package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"mpconsole/store"
)

// ciEnv is an account with a code-upload key, made as the console makes it.
type ciEnv struct {
	*env
	admin store.Person
	acct  store.Account
	key   string
}

func newCIEnv(t *testing.T) *ciEnv {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	key, _ := e.consoleUploadKey(e.console(a, admin), admin, false)
	return &ciEnv{env: e, admin: admin, acct: a, key: key}
}

// ciAnswer is a JSON answer of /ci.
type ciAnswer struct {
	Status    int
	Raw       string
	Error     string            `json:"error"`
	IP        string            `json:"ip"`
	Field     string            `json:"field"`
	Fields    map[string]string `json:"fields"`
	VersionID int64             `json:"version_id"`
}

// upload posts the multipart form of SPEC §12 from hc (nil: the default client) with key;
// pkg nil sends no package.
func (e *ciEnv) upload(hc *http.Client, key string, fields map[string]string, pkg []byte) ciAnswer {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if pkg != nil {
		w, _ := mw.CreateFormFile("package", "code.zip")
		w.Write(pkg)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.http.URL+"/ci/v1/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return e.ciDo(hc, req)
}

func (e *ciEnv) ciDo(hc *http.Client, req *http.Request) ciAnswer {
	e.t.Helper()
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := ciAnswer{Status: res.StatusCode, Raw: string(raw)}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Fatalf("%s %s answered %s: %s", req.Method, req.URL.Path, ct, raw)
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("not JSON: %s", raw)
	}
	return out
}

func (e *ciEnv) fields(robot, version string) map[string]string {
	return map[string]string{"appid": e.acct.AppID, "robot": robot, "version": version, "description": "CI build"}
}

var ciPackage = map[string]string{"app.json": `{"pages":["pages/index/index"]}`, "pages/index/index.js": "Page({})"}

// The JSON answers of POST /ci/v1/upload (SPEC §12): 401 for a wrong, missing or
// another AppID's key, 403 with the address outside the key's whitelist (a client bound
// to 127.0.0.2), 422 with the field's code, 200 with the version, which replaces the
// robot's previous development version and leaves other uploaders' alone.
func TestCIUpload(t *testing.T) {
	e := newCIEnv(t)
	pkg := ciZip(t, ciPackage)
	for name, tc := range map[string]struct {
		key   string
		appid string
	}{
		"wrong key":     {strings.Repeat("0", 64), e.acct.AppID},
		"no key":        {"", e.acct.AppID},
		"unknown appid": {e.key, "wx0000000000000000"},
	} {
		f := e.fields("1", "1.0.0")
		f["appid"] = tc.appid
		if r := e.upload(nil, tc.key, f, pkg); r.Status != http.StatusUnauthorized || r.Error != "invalid_upload_key" {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}

	ctx := context.Background()
	if err := e.st.SetUploadKeyIPs(ctx, e.acct.ID, e.admin.ID, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	r := e.upload(clientFrom("127.0.0.2"), e.key, e.fields("1", "1.0.0"), pkg)
	if r.Status != http.StatusForbidden || r.Error != "ip_not_allowed" || r.IP != "127.0.0.2" {
		t.Fatalf("from 127.0.0.2 outside the whitelist: %d %s", r.Status, r.Raw)
	}

	big := ciZip(t, map[string]string{"app.json": `{"pages":["a"]}`, "big.bin": randomText(2<<20 + 1024)})
	for _, tc := range []struct {
		name, robot, version string
		pkg                  []byte
		field, code          string
	}{
		{"bad version", "1", "v 1", pkg, "version", "version_invalid"},
		{"long version", "1", strings.Repeat("1", 65), pkg, "version", "version_invalid"},
		{"robot 31", "31", "1.0.0", pkg, "robot", "robot_invalid"},
		{"robot 0", "0", "1.0.0", pkg, "robot", "robot_invalid"},
		{"no robot", "", "1.0.0", pkg, "robot", "robot_invalid"},
		{"not a zip", "1", "1.0.0", []byte("plain text"), "package", "package_invalid"},
		{"no app.json", "1", "1.0.0", ciZip(t, map[string]string{"index.js": "x"}), "package", "package_invalid"},
		{"over 2 MB", "1", "1.0.0", big, "package", "package_too_large"},
		{"no package", "1", "1.0.0", nil, "package", "package_invalid"},
	} {
		r := e.upload(nil, e.key, e.fields(tc.robot, tc.version), tc.pkg)
		if r.Status != http.StatusUnprocessableEntity || r.Error != tc.code || r.Field != tc.field || r.Fields[tc.field] != tc.code {
			t.Errorf("%s: %d %s, want 422 %s on %s", tc.name, r.Status, r.Raw, tc.code, tc.field)
		}
	}

	first := e.upload(nil, e.key, e.fields("1", "1.0.0"), pkg)
	if first.Status != http.StatusOK || first.VersionID == 0 {
		t.Fatalf("upload: %d %s", first.Status, first.Raw)
	}
	other := e.upload(nil, e.key, e.fields("2", "0.9.0"), pkg)
	second := e.upload(nil, e.key, e.fields("1", "1.0.1"), ciZip(t, map[string]string{"app.json": `{"pages":["pages/index/index"]}`, "v": "2"}))
	if second.Status != http.StatusOK || other.Status != http.StatusOK {
		t.Fatalf("second uploads: %s / %s", second.Raw, other.Raw)
	}
	p, err := e.st.VersionsOf(ctx, e.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, v := range p.Dev {
		got[v.Uploader.Robot] = v.Version
	}
	if len(p.Dev) != 2 || got[1] != "1.0.1" || got[2] != "0.9.0" {
		t.Fatalf("development versions %v: robot 1's upload should replace its previous one only", got)
	}
	if n := e.query(`SELECT count(*) FROM versions WHERE id = ?`, first.VersionID); n != 0 {
		t.Fatal("robot 1's replaced version is still stored")
	}
	if acts := e.oplogActions(e.acct); len(acts) == 0 || acts[0] != "version_uploaded" {
		t.Fatalf("operation log %v", acts)
	}
}

// The /ci prefix answers JSON for everything, with no session or CSRF token needed.
func TestCIErrorsAreJSON(t *testing.T) {
	e := newCIEnv(t)
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/ci/v1/upload", http.StatusMethodNotAllowed, "method_not_allowed"},
		{"POST", "/ci/v1/nothing", http.StatusNotFound, "not_found"},
	} {
		req, _ := http.NewRequest(tc.method, e.http.URL+tc.path, nil)
		if r := e.ciDo(nil, req); r.Status != tc.status || r.Error != tc.code {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.Status, r.Raw)
		}
	}
}

// randomText is n bytes that do not compress, so a zip of them stays large.
func randomText(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return string(b)
}
