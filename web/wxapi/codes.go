package wxapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// Mini-program codes (SPEC §17): a JPEG QR code of the simulator URL that opens the mini
// program where the code says. The real API answers image/jpeg, and silenceper/wechat
// takes nothing else for an image; errors are JSON as everywhere.

// codeRequest is the body of the three code calls; each reads its own fields.
type codeRequest struct {
	Scene      looseString `json:"scene"` // getwxacodeunlimit
	Page       string      `json:"page"`  // getwxacodeunlimit
	Path       string      `json:"path"`  // getwxacode, createwxaqrcode
	CheckPath  *bool       `json:"check_path"`
	EnvVersion string      `json:"env_version"`
	Width      int         `json:"width"`
}

// WXACodeUnlimit is POST /wxa/getwxacodeunlimit: scene and page; check_path is true unless
// the body says false, as on the real platform. An empty or non-JSON body is 40169.
func (a *API) WXACodeUnlimit(c echo.Context) error {
	return a.code(c, store.CodeUnlimited, int(store.APIInvalidSceneLen))
}

// WXACode is POST /wxa/getwxacode: a path, counted against 100,000 codes per account. An
// empty or non-JSON body is 40159.
func (a *API) WXACode(c echo.Context) error {
	return a.code(c, store.CodeLimited, int(store.APIInvalidPath))
}

// CreateQRCode is POST /cgi-bin/wxaapp/createwxaqrcode: as WXACode, for the release only.
func (a *API) CreateQRCode(c echo.Context) error {
	return a.code(c, store.CodeQR, int(store.APIInvalidPath))
}

// code answers one code call of kind; badBody is its errcode for a body that is empty or
// not JSON.
func (a *API) code(c echo.Context, kind string, badBody int) error {
	var in codeRequest
	if handled, err := a.bind(c, &in, badBody, badBody); handled {
		return err
	}
	r := store.CodeRequest{Kind: kind, Scene: string(in.Scene), Page: in.Path, CheckPath: in.CheckPath == nil || *in.CheckPath,
		EnvVersion: in.EnvVersion, Width: in.Width}
	if kind == store.CodeUnlimited {
		r.Page = in.Page
	}
	img, err := a.store.MiniProgramCode(c.Request().Context(), AccountID(c), a.baseURL, r)
	switch {
	case kind == store.CodeQR && errors.Is(err, store.APIScancodeTime):
		return a.failText(c, int(store.APIScancodeTime), msgQRScancode)
	case err != nil:
		return a.failWith(c, err, callIP(c))
	}
	if kind != store.CodeUnlimited {
		c.Response().Header().Set("Num-Used", strconv.Itoa(img.Used))
	}
	return c.Blob(http.StatusOK, "image/jpeg", img.JPEG)
}
