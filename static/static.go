// Package static serves the stylesheets and scripts embedded in the binary under
// content-hashed URLs, so they can be cached for a year and still change with a release.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

// assets holds our own stylesheets, app.js and the favicon (committed) and the npm files
// that `make` copies in (git-ignored): htmx.min.js and weui.min.css, which the simulator's
// pages are drawn with. Without the copies the pages still work as plain forms.
//
//go:embed assets
var assets embed.FS

var files = hashAll()

type file struct {
	hash string
	body []byte
}

func hashAll() map[string]file {
	out := map[string]file{}
	fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(p, "assets/")] = file{hash: hex.EncodeToString(sum[:])[:12], body: b}
		return nil
	})
	return out
}

// Prefix is where the handler is mounted.
const Prefix = "/static/"

// Path returns the content-hashed URL of an asset, or "" when it is not in the binary
// (so a page leaves out the tag instead of linking to a 404).
func Path(name string) string {
	f, ok := files[name]
	if !ok {
		return ""
	}
	return Prefix + f.hash + "/" + name
}

// Handler serves /static/HASH/NAME; a URL whose hash is not the current one is a 404, so
// a stale page never gets new bytes under an old cache key.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hash, name, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, Prefix), "/")
		f, found := files[name]
		if !ok || !found || f.hash != hash {
			http.NotFound(w, r)
			return
		}
		switch {
		case strings.HasSuffix(name, ".css"):
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		case strings.HasSuffix(name, ".js"):
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case strings.HasSuffix(name, ".svg"):
			w.Header().Set("Content-Type", "image/svg+xml")
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"`+f.hash+`"`)
		if r.Header.Get("If-None-Match") == `"`+f.hash+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(f.body)
	})
}
