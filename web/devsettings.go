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
	return s.devSettingsPage(c, http.StatusOK, views.Form{})
}

// devSettingsPage renders the page with f's errors; fields f does not carry show what is
// stored.
func (s *Server) devSettingsPage(c echo.Context, status int, f views.Form) error {
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
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if _, typed := f.Values["ips"]; !typed {
		f.Values["ips"] = strings.Join(ds.IPWhitelist, "\n")
	}
	for _, k := range store.DomainKinds {
		if _, typed := f.Values[k]; !typed {
			f.Values[k] = strings.Join(ds.Domains[k], "\n")
		}
	}
	v := views.DevSettingsView{Account: acc.Account, Secret: sec, APIBase: s.opts.BaseURL, Form: f}
	return page(c, status, title(c, "dev.title"), views.DevSettingsPage(v))
}

// devSettingsResult ends a form of the page: 422 with the errors, or a flash and 303.
func (s *Server) devSettingsResult(c echo.Context, err error, f views.Form, flash string) error {
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.devSettingsPage(c, http.StatusUnprocessableEntity, f)
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

// SecretFreeze freezes the AppSecret: the API refuses it (40243) until unfrozen.
func (s *Server) SecretFreeze(c echo.Context) error { return s.secretFrozen(c, true) }

// SecretUnfreeze makes a frozen AppSecret work again.
func (s *Server) SecretUnfreeze(c echo.Context) error { return s.secretFrozen(c, false) }

func (s *Server) secretFrozen(c echo.Context, freeze bool) error {
	acc := access(c)
	err := s.store.SetSecretFrozen(c.Request().Context(), acc.Account.ID, acc.Person.ID, freeze, s.opts.FreezeDelay)
	flash := "dev.secret_unfrozen_done"
	if freeze {
		flash = "dev.secret_frozen_done"
	}
	return s.devSettingsResult(c, err, views.Form{}, flash)
}

// SecretCreate starts generating (or resetting) the AppSecret: a reset_secret scan that
// only the administrator can confirm.
func (s *Server) SecretCreate(c echo.Context) error {
	token, err := s.store.StartSecretReset(c.Request().Context(), access(c).Account.ID, requester(c))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return s.devSettingsPage(c, http.StatusUnprocessableEntity, views.Form{Errors: ve.Fields})
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
	return page(c, status, title(c, "dev.wait_title"), views.SecretWaitPage(v, f))
}

// SecretShowPage shows the new AppSecret once: the store deletes it in the transaction
// that reads it, so any later GET (a reload, a replayed cookie) is 410. Nothing of it is
// cached.
func (s *Server) SecretShowPage(c echo.Context) error {
	token := c.Param("token")
	if _, err := s.secretScan(c, token); err != nil {
		return err
	}
	secret, err := s.store.TakeOneTime(c.Request().Context(), store.OneTimeAppSecret, token, access(c).Account.ID)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "dev.once_title"), views.SecretOncePage(secret))
}
