package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/url"
	"strconv"
	"testing"

	"golang.org/x/image/bmp"

	"mpconsole/store"
)

// biImage encodes a w×h picture (a red dot at its centre) in format.
func biImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	img.Set(w/2, h/2, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "bmp":
		err = bmp.Encode(&b, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// biUpload posts a multipart form with one file, as a browser would: the CSRF token in
// the form for a plain post, in the header for htmx.
func biUpload(c *client, path string, fields map[string]string, fileField, fileName string, data []byte, htmx bool) resp {
	c.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if !htmx {
		w.WriteField("_csrf", c.csrf())
	}
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			c.e.t.Fatal(err)
		}
		fw.Write(data)
	}
	w.Close()
	return c.do("POST", path, &body, w.FormDataContentType(), htmx)
}

// newReviewer makes a platform reviewer signed in to the simulator.
func newReviewer(e *env, wechatID string) (store.Person, *client) {
	e.t.Helper()
	p := e.person(wechatID, "")
	if err := e.st.SetOperator(context.Background(), p.WechatID, true); err != nil {
		e.t.Fatal(err)
	}
	p.IsOperator = true
	return p, e.wx(p)
}

// biDecide posts an ops decision.
func biDecide(ops *client, kind string, id int64, decision, reason string, htmx bool) resp {
	ops.e.t.Helper()
	return ops.post("/ops/"+kind+"/"+strconv.FormatInt(id, 10), url.Values{"decision": {decision}, "reason": {reason}}, htmx)
}

// biInfo reads an account's basic info from the store.
func biInfo(e *env, a store.Account) store.BasicInfo {
	e.t.Helper()
	b, err := e.st.BasicInfoOf(context.Background(), a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}
