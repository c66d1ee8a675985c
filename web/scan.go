package web

import (
	"encoding/base64"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"mpconsole/store"
	"mpconsole/views"
)

// requester is who asks for a scan, as the phone will show it: this browser's
// User-Agent and address.
func requester(c echo.Context) store.Requester {
	return store.Requester{Agent: c.Request().UserAgent(), IP: c.RealIP()}
}

// newScan mints a scan request and remembers its token in the console session under key.
func (s *Server) newScan(c echo.Context, key, purpose string, accountID, target int64) (string, error) {
	token, err := s.store.CreateScan(c.Request().Context(), purpose, accountID, target, requester(c))
	if err != nil {
		return "", err
	}
	sess := s.session(c, consoleSession)
	sess.Values[key] = token
	return token, s.save(c, sess)
}

// scanView is what a waiting page shows of a scan: the QR code of its absolute URL (from
// --base-url, never the Host header), the same URL as a link, and its state.
func (s *Server) scanView(c echo.Context, token string, sc store.Scan, poll, renew string) views.ScanView {
	u := s.opts.BaseURL + views.PathWxScan(token)
	return views.ScanView{URL: u, QR: qrDataURL(u), State: sc.State(s.store.NowFor(sc.AccountID)), Refusal: sc.Refusal, Poll: poll, Renew: renew, Purpose: sc.Purpose}
}

// qrDataURL is a QR code of u as a data: URL of a PNG, for an <img> under the strict CSP;
// "" when u does not fit in a code.
func qrDataURL(u string) string {
	png, err := qrcode.Encode(u, qrcode.Medium, 256)
	if err != nil {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}
