package web

import (
	"encoding/base64"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"mpconsole/store"
	"mpconsole/views"
)

// baseURL is the absolute root put into QR codes and mails: --base-url, or the request's
// own scheme and host, so a phone on the same network reaches this server.
func (s *Server) baseURL(c echo.Context) string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

// newScan mints a scan request and remembers its token in the console session under key.
func (s *Server) newScan(c echo.Context, key, purpose string, accountID, target int64) (string, error) {
	token, err := s.store.CreateScan(c.Request().Context(), purpose, accountID, target)
	if err != nil {
		return "", err
	}
	sess := s.session(c, consoleSession)
	sess.Values[key] = token
	return token, s.save(c, sess)
}

// scanView is what a waiting page shows of a scan: the QR code of its absolute URL, the
// same URL as a link, and its state.
func (s *Server) scanView(c echo.Context, token string, sc store.Scan, poll, renew string) views.ScanView {
	u := s.baseURL(c) + views.PathWxScan(token)
	png, err := qrcode.Encode(u, qrcode.Medium, 256)
	qr := ""
	if err == nil {
		qr = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	}
	return views.ScanView{URL: u, QR: qr, State: sc.State(s.store.Now()), Refusal: sc.Refusal, Poll: poll, Renew: renew, Purpose: sc.Purpose}
}
