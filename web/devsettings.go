package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// DevSettingsPage is the credential page: AppID, AppSecret state, whitelist, domains.
func (s *Server) DevSettingsPage(c echo.Context) error {
	return s.devSettingsPage(c, http.StatusOK, views.Form{}, "")
}

// IPWhitelistEdit opens the whitelist's form: in place for htmx, else the page with it open.
func (s *Server) IPWhitelistEdit(c echo.Context) error {
	return s.devSettingsPage(c, http.StatusOK, views.Form{}, "ips")
}

// DomainsEdit opens the server domains' form.
func (s *Server) DomainsEdit(c echo.Context) error {
	return s.devSettingsPage(c, http.StatusOK, views.Form{}, "domains")
}

// devSettingsPage renders the page with f's errors and the form of open shown; fields f
// does not carry show what is stored.
func (s *Server) devSettingsPage(c echo.Context, status int, f views.Form, open string) error {
	ctx := c.Request().Context()
	acc := access(c)
	sec, err := s.store.AppSecretOf(ctx, acc.Account.ID)
	if err != nil {
		return err
	}
	ds, err := s.store.DevSettingsOf(ctx, acc.Account.ID)
	if err != nil {
		return err
	}
	uk, err := s.store.UploadKeyOf(ctx, acc.Account.ID)
	if err != nil {
		return err
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if _, typed := f.Values["upload_ips"]; !typed {
		f.Values["upload_ips"] = strings.Join(uk.IPWhitelist, "\n")
	}
	if _, typed := f.Values["ips"]; !typed {
		f.Values["ips"] = strings.Join(ds.IPWhitelist, "\n")
	}
	for _, k := range store.DomainKinds {
		if _, typed := f.Values[k]; !typed {
			f.Values[k] = strings.Join(ds.Domains[k], "\n")
		}
	}
	mode, err := s.store.WhitelistModeOf(ctx, acc.Account.ID)
	if err != nil {
		return err
	}
	usage, err := s.store.SecretUsageOf(ctx, acc.Account.ID)
	if err != nil {
		return err
	}
	v := views.DevSettingsView{Account: acc.Account, Secret: sec, APIBase: s.opts.BaseURL, Form: f, Open: open, UploadKey: uk,
		WhitelistMode: mode, Usage: usage}
	return page(c, status, title(c, "dev.title"), views.DevSettingsPage(v))
}

// devSettingsResult ends a form of the page: 422 with the errors, or a flash and 303.
func (s *Server) devSettingsResult(c echo.Context, err error, f views.Form, flash string) error {
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.devSettingsPage(c, http.StatusUnprocessableEntity, f, "")
	} else if err != nil {
		return err
	}
	s.flash(c, consoleSession, flash)
	return seeOther(c, views.PathDevSettings)
}

// IPWhitelistSave replaces the IP whitelist (field ips, one per line).
func (s *Server) IPWhitelistSave(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "ips")
	err := s.store.SetIPWhitelist(c.Request().Context(), acc.Account.ID, acc.Person.ID, store.SplitLines(f.V("ips")))
	return s.devSettingsResult(c, err, f, "dev.ip_saved")
}

// DomainsSave replaces the four server-domain lists (one field per kind, one per line).
func (s *Server) DomainsSave(c echo.Context) error {
	acc := access(c)
	f := formOf(c, store.DomainKinds...)
	domains := map[string][]string{}
	for _, k := range store.DomainKinds {
		domains[k] = store.SplitLines(f.V(k))
	}
	err := s.store.SetServerDomains(c.Request().Context(), acc.Account.ID, acc.Person.ID, domains)
	return s.devSettingsResult(c, err, f, "dev.domains_saved")
}

// SecretFreeze starts freezing the AppSecret: a freeze_secret scan that only the
// administrator can confirm; then the API refuses the secret (40243) until unfrozen.
func (s *Server) SecretFreeze(c echo.Context) error { return s.secretFreezeStart(c, true) }

// SecretUnfreeze starts unfreezing a frozen AppSecret, with the same scan.
func (s *Server) SecretUnfreeze(c echo.Context) error { return s.secretFreezeStart(c, false) }

func (s *Server) secretFreezeStart(c echo.Context, freeze bool) error {
	token, err := s.store.StartSecretFreeze(c.Request().Context(), access(c).Account.ID, freeze, requester(c))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return s.devSettingsPage(c, http.StatusUnprocessableEntity, views.Form{Errors: ve.Fields}, "")
	} else if err != nil {
		return err
	}
	return seeOther(c, views.PathDevSecretFreezeWait(token, freeze))
}

// SecretFreezeWaitPage waits for the freeze scan; once it is confirmed, this GET freezes.
func (s *Server) SecretFreezeWaitPage(c echo.Context) error { return s.secretFreezeWait(c, true) }

// SecretUnfreezeWaitPage waits for the unfreeze scan; once it is confirmed, this GET
// unfreezes.
func (s *Server) SecretUnfreezeWaitPage(c echo.Context) error { return s.secretFreezeWait(c, false) }

func (s *Server) secretFreezeWait(c echo.Context, freeze bool) error {
	ctx := c.Request().Context()
	token, acc := c.Param("token"), access(c)
	sc, err := s.store.ScanFor(ctx, token, store.PurposeFreezeSecret, acc.Account.ID)
	if err != nil {
		return err
	}
	if sc.Used {
		return seeOther(c, views.PathDevSettings)
	}
	what, done, renew := "unfreeze", "dev.secret_unfrozen_done", views.PathDevSecretUnfreeze
	if freeze {
		what, done, renew = "freeze", "dev.secret_frozen_done", views.PathDevSecretFreeze
	}
	f, status := views.Form{}, http.StatusOK
	if sc.State(s.store.Now()) == "confirmed" {
		err := s.store.CompleteSecretFreeze(ctx, token, acc.Account.ID, freeze, s.opts.FreezeDelay)
		ve := (*store.ValidationError)(nil)
		switch {
		case errors.As(err, &ve):
			f.Errors, status = ve.Fields, http.StatusConflict
		case err != nil:
			return err
		default:
			s.flash(c, consoleSession, done)
			return seeOther(c, views.PathDevSettings)
		}
	}
	v := s.scanView(c, token, sc, views.PathDevSecretFreezeWait(token, freeze), renew)
	return page(c, status, title(c, "dev.wait_title."+what), views.SecretWaitPage(v, f, what))
}

// SecretCreate starts generating (or resetting) the AppSecret: a reset_secret scan that
// only the administrator can confirm. A reset may keep the previous secret working for
// overlap_hours (0–24, SPEC §18).
func (s *Server) SecretCreate(c echo.Context) error {
	f := formOf(c, "overlap_hours")
	token, err := s.store.StartSecretRotation(c.Request().Context(), access(c).Account.ID, f.V("overlap_hours"), requester(c))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.devSettingsPage(c, http.StatusUnprocessableEntity, f, "")
	} else if err != nil {
		return err
	}
	return seeOther(c, views.PathDevSecretWait(token))
}

// secretScan loads the reset_secret scan of token, which must be this account's.
func (s *Server) secretScan(c echo.Context, token string) (store.Scan, error) {
	return s.store.ScanFor(c.Request().Context(), token, store.PurposeResetSecret, access(c).Account.ID)
}

// SecretWaitPage waits for the scan; once it is confirmed, this GET generates the secret,
// which the store keeps sealed for its one view, and sends the browser to the one-time page.
func (s *Server) SecretWaitPage(c echo.Context) error {
	token := c.Param("token")
	sc, err := s.secretScan(c, token)
	if err != nil {
		return err
	}
	if sc.Used {
		return seeOther(c, views.PathDevSecretShow(token))
	}
	f, status := views.Form{}, http.StatusOK
	if sc.State(s.store.Now()) == "confirmed" {
		err := s.store.CompleteSecretReset(c.Request().Context(), token, access(c).Account.ID)
		ve := (*store.ValidationError)(nil)
		switch {
		case errors.As(err, &ve):
			f.Errors, status = ve.Fields, http.StatusConflict
		case err != nil:
			return err
		default:
			return seeOther(c, views.PathDevSecretShow(token))
		}
	}
	v := s.scanView(c, token, sc, views.PathDevSecretWait(token), views.PathDevSecret)
	return page(c, status, title(c, "dev.wait_title.reset"), views.SecretWaitPage(v, f, "reset"))
}

// SecretShowPage shows the new AppSecret once: the store deletes it in the transaction
// that reads it, so any later GET (a reload, a replayed cookie) is 410, with a page that
// says so and how to get a new one. Nothing of it is cached, and the page's language
// switch is off: it would be such a later GET.
func (s *Server) SecretShowPage(c echo.Context) error {
	token := c.Param("token")
	if _, err := s.secretScan(c, token); err != nil {
		return err
	}
	secret, err := s.store.TakeOneTime(c.Request().Context(), store.OneTimeAppSecret, token, access(c).Account.ID)
	if errors.Is(err, store.ErrGone) {
		return page(c, http.StatusGone, title(c, "dev.gone_title"), views.SecretGonePage())
	} else if err != nil {
		return err
	}
	chromeOf(c).OneTime = true
	return page(c, http.StatusOK, title(c, "dev.once_title"), views.SecretOncePage(secret))
}
