package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// maxFormGroups bounds how many page.N rows a submission is read with: enough to see a
// form with more than the 5 allowed groups (review_groups), not a loop over any number.
const maxFormGroups = 20

// VersionSubmitPage is the submit-for-review form of a development or trial version.
func (s *Server) VersionSubmitPage(c echo.Context) error {
	return s.submitPage(c, http.StatusOK, views.Form{})
}

func (s *Server) submitPage(c echo.Context, status int, f views.Form) error {
	v, err := s.devVersion(c)
	if err != nil {
		return err
	}
	info, err := s.store.BasicInfoOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	sv := views.SubmitView{Version: v, Form: f}
	for _, cat := range info.Categories {
		if cat.Status == store.CategoryApproved {
			sv.Categories = append(sv.Categories, cat)
		}
	}
	return page(c, status, title(c, "versions.submit"), views.SubmitPage(sv))
}

// VersionSubmit submits a version for review with its page groups (page.N, category.N,
// tags.N; N from 0). A refusal re-renders the form with each error next to its group.
func (s *Server) VersionSubmit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{}}
	params, _ := c.FormParams()
	var groups []store.PageGroup
	for n := range maxFormGroups {
		i := strconv.Itoa(n)
		page, cat, tags := params.Get("page."+i), params.Get("category."+i), params.Get("tags."+i)
		f.Values["page."+i], f.Values["category."+i], f.Values["tags."+i] = page, cat, tags
		catID, _ := strconv.ParseInt(strings.TrimSpace(cat), 10, 64)
		groups = append(groups, store.PageGroup{Page: page, CategoryID: catID, Tags: tags})
	}
	acc := access(c)
	err = s.store.SubmitReview(c.Request().Context(), acc.Account.ID, acc.Person.ID, id, groups)
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		if err != nil {
			return err
		}
		s.flash(c, consoleSession, "versions.submitted_notice")
		return seeOther(c, views.PathVersions)
	}
	f.Errors = ve.Fields
	if ie := (*store.IncompleteError)(nil); errors.As(err, &ie) {
		return s.submitIncomplete(c, f, ie.Missing)
	}
	return s.submitPage(c, http.StatusUnprocessableEntity, f)
}

// submitIncomplete is the submit form refused for incomplete basic info, naming what is
// missing with a link to fill it in.
func (s *Server) submitIncomplete(c echo.Context, f views.Form, missing []string) error {
	v, err := s.devVersion(c)
	if err != nil {
		return err
	}
	sv := views.SubmitView{Version: v, Form: f, Missing: missing}
	return page(c, http.StatusUnprocessableEntity, title(c, "versions.submit"), views.SubmitPage(sv))
}

// ReviewWithdraw takes the waiting review back (withdraw_quota: 5 a day, 10 a month).
func (s *Server) ReviewWithdraw(c echo.Context) error {
	acc := access(c)
	err := s.store.WithdrawReview(c.Request().Context(), acc.Account.ID, acc.Person.ID)
	return s.versionsDone(c, err, views.Form{}, nil, "versions.withdrawn")
}

// ReviewRelease releases the approved version: mode full, or phased with percent and the
// members_first / testers_first options.
func (s *Server) ReviewRelease(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "mode", "percent", "members_first", "testers_first")
	percent, _ := strconv.Atoi(strings.TrimSpace(f.V("percent")))
	plan := store.PhasePlan{Percent: percent, MembersFirst: f.V("members_first") != "", TestersFirst: f.V("testers_first") != ""}
	err := s.store.Release(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("mode"), plan)
	return s.versionsDone(c, err, f, func(v *views.VersionsView) *views.Form { return &v.Release }, "versions.released")
}

// PhasePercent raises the share of the phased release in progress (it may only rise).
func (s *Server) PhasePercent(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "percent")
	percent, _ := strconv.Atoi(strings.TrimSpace(f.V("percent")))
	err := s.store.SetPhasePercent(c.Request().Context(), acc.Account.ID, acc.Person.ID, percent)
	return s.versionsDone(c, err, f, func(v *views.VersionsView) *views.Form { return &v.Phase }, "versions.phase_changed")
}

// PhaseChange pauses, resumes, completes or cancels the phased release in progress.
func (s *Server) PhaseChange(c echo.Context) error {
	acc := access(c)
	err := s.store.ChangePhase(c.Request().Context(), acc.Account.ID, acc.Person.ID, c.Param("action"))
	return s.versionsDone(c, err, views.Form{}, nil, "versions.phase_changed")
}

// PhaseCancelConfirm asks before cancelling the phased release, on a page of its own.
func (s *Server) PhaseCancelConfirm(c echo.Context) error {
	p, err := s.store.VersionsOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	if p.Online == nil || !p.Online.InProgress() {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	return page(c, http.StatusOK, title(c, "versions.cancel_title"), views.ConfirmActionPage(views.PhaseCancelConfirm(ctx, *p.Online)))
}

// Rollback puts one of the last 5 released versions (version_id) online again.
func (s *Server) Rollback(c echo.Context) error {
	acc := access(c)
	id, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue("version_id")), 10, 64)
	err := s.store.Rollback(c.Request().Context(), acc.Account.ID, acc.Person.ID, id)
	return s.versionsDone(c, err, views.Form{}, nil, "versions.rolled_back")
}

// RollbackConfirm asks before a rollback to :id, on a page of its own; only a version
// rollback may go back to now has one.
func (s *Server) RollbackConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.store.VersionsOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(p.RollbackTargets, func(v store.Version) bool { return v.ID == id })
	if i < 0 {
		return echo.ErrNotFound
	}
	return page(c, http.StatusOK, title(c, "versions.rollback_title"), views.RollbackPage(p.RollbackTargets[i]))
}
