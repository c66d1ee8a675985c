package main

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mpconsole/store"
	"mpconsole/web"
)

// uploadServer is a real server on the demo database with a code-upload key, made after
// the administrator's scan as the console makes it; it returns the server, its store, the
// demo and a file holding the key.
func uploadServer(t *testing.T) (*httptest.Server, *store.Store, store.Demo, string) {
	t.Helper()
	ctx := context.Background()
	master := []byte("test-master-key-0123456789abcdef0123456789")
	st := openDB(t, filepath.Join(t.TempDir(), "mp.db"))
	if err := st.UseMasterKey(ctx, master); err != nil {
		t.Fatal(err)
	}
	demo, err := st.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.AccountByAppID(ctx, demo.AppID)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := st.PersonByWechatID(ctx, "demo_admin")
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.StartUploadKeyReset(ctx, a.ID, store.Requester{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideScan(ctx, token, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := st.CompleteUploadKeyReset(ctx, token, a.ID); err != nil {
		t.Fatal(err)
	}
	key, err := st.TakeOneTime(ctx, store.OneTimeUploadKey, token, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "upload.key")
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(web.New(st, master, web.Options{}))
	t.Cleanup(ts.Close)
	return ts, st, demo, keyFile
}

// buildCommand builds this command into a temp dir, as CI would install it.
func buildCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mpconsole")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// robotVersion is robot n's development version of the demo account ("" when none).
func robotVersion(t *testing.T, st *store.Store, appid string, n int) string {
	t.Helper()
	a, _ := st.AccountByAppID(context.Background(), appid)
	p, err := st.VersionsOf(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range p.Dev {
		if v.Uploader.Robot == n {
			return v.Version
		}
	}
	return ""
}

// The built mpconsole upload against a running server (SPEC §12): a directory is zipped
// (dot files left out) and uploaded as the robot's development version, exit 0; the
// server's refusal goes to stderr with exit 1; a package over 2 MB is refused before
// anything is sent (exit 1); a missing flag is a usage error (exit 2).
func TestUploadCommand(t *testing.T) {
	bin := buildCommand(t)
	ts, st, demo, keyFile := uploadServer(t)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"app.json":               `{"pages":["pages/index/index"]}`,
		"pages/index/index.js":   "Page({})",
		"pages/index/index.wxml": "<view>hi</view>",
		".git/HEAD":              "ref: refs/heads/main",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	upload := func(args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"upload"}, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return out.String(), errOut.String(), exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String(), 0
	}
	common := []string{"--server", ts.URL, "--appid", demo.AppID, "--key-file", keyFile, "--robot", "7"}

	out, errOut, code := upload(append(common, "--version", "2.0.0-ci", "--desc", "built by CI", dir)...)
	if code != 0 || !strings.Contains(out, "2.0.0-ci") {
		t.Fatalf("upload: exit %d\n%s%s", code, out, errOut)
	}
	if got := robotVersion(t, st, demo.AppID, 7); got != "2.0.0-ci" {
		t.Fatalf("robot 7's development version is %q", got)
	}
	a, _ := st.AccountByAppID(context.Background(), demo.AppID)
	p, _ := st.VersionsOf(context.Background(), a.ID)
	for _, v := range p.Dev {
		if v.Uploader.Robot == 7 && (v.Package == nil || len(v.Package.Files) != 3) {
			t.Fatalf("the zipped directory: %+v, want app.json and two page files without .git", v.Package)
		}
	}
	// Flags after the directory work too, as for the other subcommands.
	if _, errOut, code = upload(append([]string{dir}, append(common, "--version", "2.0.1-ci")...)...); code != 0 {
		t.Fatalf("flags after DIR: exit %d: %s", code, errOut)
	}
	if got := robotVersion(t, st, demo.AppID, 7); got != "2.0.1-ci" {
		t.Fatalf("the second upload should replace robot 7's version, got %q", got)
	}

	_, errOut, code = upload(append(common, "--version", "bad version!", dir)...)
	if code != 1 || !strings.Contains(errOut, "422") || !strings.Contains(errOut, "version_invalid") {
		t.Fatalf("bad version: exit %d, stderr %q", code, errOut)
	}
	wrong := filepath.Join(t.TempDir(), "wrong.key")
	os.WriteFile(wrong, []byte(strings.Repeat("0", 64)), 0o600)
	_, errOut, code = upload("--server", ts.URL, "--appid", demo.AppID, "--key-file", wrong, "--version", "3.0.0", dir)
	if code != 1 || !strings.Contains(errOut, "401") || !strings.Contains(errOut, "invalid_upload_key") {
		t.Fatalf("wrong key: exit %d, stderr %q", code, errOut)
	}

	big := make([]byte, 2<<20+1)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644)
	_, errOut, code = upload(append(common, "--version", "4.0.0", dir)...)
	if code != 1 || !strings.Contains(errOut, "2 MB") {
		t.Fatalf("over 2 MB: exit %d, stderr %q", code, errOut)
	}
	if got := robotVersion(t, st, demo.AppID, 7); got != "2.0.1-ci" {
		t.Fatalf("an oversized package reached the server: robot 7 has %q", got)
	}

	_, errOut, code = upload("--server", ts.URL, "--key-file", keyFile, "--version", "1.0.0", dir)
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "--appid") {
		t.Fatalf("missing --appid: exit %d, stderr %q", code, errOut)
	}
}
