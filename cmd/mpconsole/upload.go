package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"mpconsole/store"
)

// uploadTimeout bounds one upload: a 2 MB package to a server that answers at once.
const uploadTimeout = 2 * time.Minute

// uploadCommand is mpconsole upload (SPEC §12): it zips a directory (or takes a zip), refuses
// a package over 2 MB before sending anything, and posts it to POST /ci/v1/upload with the
// code-upload key, as miniprogram-ci upload does for the real platform. Exit status 0 on
// success; 1 with the server's refusal on stderr; 2 for a mistake on the command line.
func uploadCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("upload", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mpconsole upload --server URL --appid APPID --key-file FILE --robot N --version V --desc TEXT DIR|ZIP\n\n"+
			"Zips DIR (files whose names start with a dot are left out) or takes ZIP as it is, and uploads it as\n"+
			"the development version of CI robot N. Refuses packages over 2 MB before sending.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	server := fs.String("server", getenv("MPCONSOLE_SERVER"), "the mpconsole server's URL, e.g. http://127.0.0.1:8080 (env MPCONSOLE_SERVER)")
	appid := fs.String("appid", "", "the mini program's AppID")
	keyFile := fs.String("key-file", "", "file holding the code-upload key from /dev/settings")
	robot := fs.Int("robot", 1, "CI robot number, 1–30; its previous development version is replaced")
	version := fs.String("version", "", "version name: 1–64 letters, digits and . + _ -")
	desc := fs.String("desc", "", "version description, up to 200 characters")
	rest, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"server", *server}, {"appid", *appid}, {"key-file", *keyFile}, {"version", *version}} {
		if f.v == "" {
			return usageError{"upload: --" + f.name + " is required"}
		}
	}
	keyBytes, err := os.ReadFile(*keyFile)
	if err != nil {
		return fmt.Errorf("read the upload key: %w", err)
	}
	pkg, err := packageOf(rest[0])
	if err != nil {
		return err
	}
	if len(pkg) > store.PackageMaxBytes {
		return fmt.Errorf("the package is %d bytes, over the 2 MB limit (%d bytes): nothing was sent", len(pkg), store.PackageMaxBytes)
	}
	fields := map[string]string{"appid": *appid, "robot": strconv.Itoa(*robot), "version": *version, "description": *desc}
	id, err := postUpload(ctx, strings.TrimRight(*server, "/")+"/ci/v1/upload", strings.TrimSpace(string(keyBytes)), fields, pkg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "uploaded version %s as robot %d (version id %d, %d bytes)\n", *version, *robot, id, len(pkg))
	return nil
}

// packageOf is the zip to upload: the file itself when path is a file, else the directory
// zipped with slash-separated paths relative to it, leaving out dot files and directories
// (.git and the like, which are no part of a mini program).
func packageOf(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return os.ReadFile(path)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("zip %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// postUpload sends the multipart form and returns the new version's id, or the server's
// refusal as an error naming its status and JSON answer.
func postUpload(ctx context.Context, url, key string, fields map[string]string, pkg []byte) (int64, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			return 0, err
		}
	}
	w, err := mw.CreateFormFile("package", "package.zip")
	if err != nil {
		return 0, err
	}
	w.Write(pkg)
	if err := mw.Close(); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, uploadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, &body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return 0, err
	}
	var answer struct {
		VersionID int64 `json:"version_id"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(raw, &answer) != nil {
		return 0, fmt.Errorf("upload refused: %s %s", res.Status, strings.TrimSpace(string(raw)))
	}
	return answer.VersionID, nil
}
