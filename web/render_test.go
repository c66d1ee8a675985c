package web

import (
	"io"
	"net/http"
	"testing"
)

// A page goes out whole with its length (rendered into a buffer first), not in chunks as
// it renders: both the full frame and an htmx fragment.
func TestPageSentWithItsLength(t *testing.T) {
	e := newEnv(t)
	for _, htmx := range []bool{false, true} {
		req, err := http.NewRequest("GET", e.http.URL+"/login", nil)
		if err != nil {
			t.Fatal(err)
		}
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Fatalf("htmx %v: status %d, %d bytes", htmx, res.StatusCode, len(body))
		}
		if res.ContentLength != int64(len(body)) || len(res.TransferEncoding) != 0 {
			t.Errorf("htmx %v: Content-Length %d, Transfer-Encoding %q for a body of %d bytes; want the length, not chunks",
				htmx, res.ContentLength, res.TransferEncoding, len(body))
		}
	}
}
