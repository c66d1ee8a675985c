package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// The code-upload key on /dev/settings (SPEC §12): generated or reset after the
// administrator's upload_key scan, shown once, with its own IP whitelist. It follows the
// AppSecret's flow: POST, a waiting page whose GET completes the confirmed scan, and a
// one-time page that takes the sealed key out of the store.

// UploadKeyCreate starts generating (or resetting) the key: an upload_key scan that only
// the administrator can confirm.
func (s *Server) UploadKeyCreate(c echo.Context) error {
	token, err := s.store.StartUploadKeyReset(c.Request().Context(), access(c).Account.ID, requester(c))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return s.devSettingsPage(c, http.StatusUnprocessableEntity, views.Form{Errors: ve.Fields}, "")
	} else if err != nil {
		return err
	}
	return seeOther(c, views.PathDevUploadKeyWait(token))
}

// uploadKeyScan loads the upload_key scan of token, which must be this account's.
func (s *Server) uploadKeyScan(c echo.Context, token string) (store.Scan, error) {
	return s.store.ScanFor(c.Request().Context(), token, store.PurposeUploadKey, access(c).Account.ID)
}

// UploadKeyWaitPage waits for the scan; once it is confirmed, this GET generates the key,
// which the store keeps sealed for its one view, and sends the browser to the one-time page.
func (s *Server) UploadKeyWaitPage(c echo.Context) error {
	token := c.Param("token")
	sc, err := s.uploadKeyScan(c, token)
	if err != nil {
		return err
	}
	if sc.Used {
		return seeOther(c, views.PathDevUploadKeyShow(token))
	}
	f, status := views.Form{}, http.StatusOK
	if sc.State(s.store.NowFor(sc.AccountID)) == "confirmed" {
		err := s.store.CompleteUploadKeyReset(c.Request().Context(), token, access(c).Account.ID)
		ve := (*store.ValidationError)(nil)
		switch {
		case errors.As(err, &ve):
			f.Errors, status = ve.Fields, http.StatusConflict
		case err != nil:
			return err
		default:
			return seeOther(c, views.PathDevUploadKeyShow(token))
		}
	}
	v := s.scanView(c, token, sc, views.PathDevUploadKeyWait(token), views.PathDevUploadKey)
	return page(c, status, title(c, "dev.wait_title.upload_key"), views.SecretWaitPage(v, f, "upload_key"))
}

// UploadKeyShowPage shows the new key once: the store deletes it in the transaction that
// reads it, so any later GET is 410. As on the AppSecret's page the language switch is off.
func (s *Server) UploadKeyShowPage(c echo.Context) error {
	token := c.Param("token")
	if _, err := s.uploadKeyScan(c, token); err != nil {
		return err
	}
	key, err := s.store.TakeOneTime(c.Request().Context(), store.OneTimeUploadKey, token, access(c).Account.ID)
	if errors.Is(err, store.ErrGone) {
		return page(c, http.StatusGone, title(c, "upload.gone_title"), views.UploadKeyGonePage())
	} else if err != nil {
		return err
	}
	chromeOf(c).OneTime = true
	return page(c, http.StatusOK, title(c, "upload.once_title"), views.UploadKeyOncePage(key))
}

// UploadKeyIPsEdit opens the key's whitelist form: in place for htmx, else the page with it
// open.
func (s *Server) UploadKeyIPsEdit(c echo.Context) error {
	return s.devSettingsPage(c, http.StatusOK, views.Form{}, "upload_ips")
}

// UploadKeyIPsSave replaces the key's IP whitelist (field upload_ips, one per line). The
// store names the field ips, as for the API whitelist; here it is this form's own field.
func (s *Server) UploadKeyIPsSave(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "upload_ips")
	err := s.store.SetUploadKeyIPs(c.Request().Context(), acc.Account.ID, acc.Person.ID, store.SplitLines(f.V("upload_ips")))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		err = &store.ValidationError{Fields: map[string]string{"upload_ips": ve.Fields["ips"]}}
	}
	return s.devSettingsResult(c, err, f, "upload.ips_saved")
}
