package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// clockFields are the custom advance's fields and what one unit of each is.
var clockFields = []struct {
	name string
	unit time.Duration
}{{"advance_days", 24 * time.Hour}, {"advance_hours", time.Hour}, {"advance_minutes", time.Minute}}

// clockFormKey holds a refused clock form for the sandbox page to show again: the page's
// one render path (sandboxPage) reads it through clockView.
const clockFormKey = "sandbox.clockForm"

// clockRoutes registers the clock section's forms (SPEC §18).
func (s *Server) clockRoutes() {
	s.console(http.MethodPost, views.PathSandboxClockAdvance, s.SandboxClockAdvance, store.ActSandbox)
	s.console(http.MethodPost, views.PathSandboxClockMidnight, s.SandboxClockMidnight, store.ActSandbox)
	s.console(http.MethodPost, views.PathSandboxClockReset, s.SandboxClockReset, store.ActSandbox)
}

// clockView is the sandbox page's clock section: the account's time and offset, and the
// custom advance as typed when it was refused.
func (s *Server) clockView(c echo.Context) views.ClockView {
	id := access(c).Account.ID
	f, _ := c.Get(clockFormKey).(views.Form)
	return views.ClockView{Now: s.store.NowFor(id), Offset: s.store.ClockOffset(id), Form: f}
}

// SandboxClockAdvance moves the account's clock by a preset ("by": 1h, 2h, 1d) or by the
// custom days, hours and minutes, each a whole number of 0 or more (clock_number).
func (s *Server) SandboxClockAdvance(c echo.Context) error {
	f := formOf(c, "advance_days", "advance_hours", "advance_minutes")
	var d time.Duration
	if by := c.FormValue("by"); by != "" {
		for _, p := range views.ClockPresets {
			if p.By == by {
				d = p.D
			}
		}
	} else {
		for _, fl := range clockFields {
			v := strings.TrimSpace(f.V(fl.name))
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1_000_000 {
				f.Errors = map[string]string{fl.name: "clock_number"}
				return s.clockRefused(c, f)
			}
			d += time.Duration(n) * fl.unit
		}
	}
	acc := access(c)
	return s.clockMoved(c, f, s.store.AdvanceClock(c.Request().Context(), acc.Account.ID, acc.Person.ID, d))
}

// SandboxClockMidnight moves the account's clock to the next 00:00 China time.
func (s *Server) SandboxClockMidnight(c echo.Context) error {
	acc := access(c)
	return s.clockMoved(c, views.Form{}, s.store.ClockToNextMidnight(c.Request().Context(), acc.Account.ID, acc.Person.ID))
}

// SandboxClockReset puts the account back on the wall clock.
func (s *Server) SandboxClockReset(c echo.Context) error {
	acc := access(c)
	return s.clockMoved(c, views.Form{}, s.store.ResetClock(c.Request().Context(), acc.Account.ID, acc.Person.ID))
}

// clockMoved ends a clock form: back to the page (303), or the page again with the
// refusal (422: under a minute, beyond 366 days ahead).
func (s *Server) clockMoved(c echo.Context, f views.Form, err error) error {
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.clockRefused(c, f)
	} else if err != nil {
		return err
	}
	return seeOther(c, views.PathSandbox+"#clock")
}

func (s *Server) clockRefused(c echo.Context, f views.Form) error {
	c.Set(clockFormKey, f)
	return s.sandboxPage(c, http.StatusUnprocessableEntity, views.Form{})
}

// clockBanner is the moved-clock banner of accountID (nil when its clock is not moved);
// link when the viewer may open the sandbox page.
func (s *Server) clockBanner(accountID int64, link bool) *views.ClockView {
	off := s.store.ClockOffset(accountID)
	if off == 0 {
		return nil
	}
	return &views.ClockView{Now: s.store.NowFor(accountID), Offset: off, Link: link}
}

// simulatorClock puts the banner on a simulator page opened for an account
// (/wx/apps/{appid}…) whose clock is moved; the link shows to the account's administrator
// and developers.
func (s *Server) simulatorClock(c echo.Context) error {
	appid := c.Param("appid")
	if appid == "" || !s.store.ClocksMoved() {
		return nil
	}
	ctx := c.Request().Context()
	a, err := s.store.AccountByAppID(ctx, appid)
	if errors.Is(err, store.ErrNotFound) || err == nil && s.store.ClockOffset(a.ID) == 0 {
		return nil
	} else if err != nil {
		return err
	}
	acc, err := s.store.AccessOf(ctx, a.ID, chromeOf(c).WxPerson.ID)
	if err != nil {
		return err
	}
	chromeOf(c).Clock = s.clockBanner(a.ID, acc.Roles.Can(store.ActSandbox))
	return nil
}
