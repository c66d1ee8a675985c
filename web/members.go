package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// MembersPage shows the administrator, the project members and the experience members.
func (s *Server) MembersPage(c echo.Context) error {
	return s.membersPage(c, http.StatusOK, views.MembersView{})
}

func (s *Server) membersPage(c echo.Context, status int, v views.MembersView) error {
	lists, err := s.store.MembersOf(c.Request().Context(), *access(c))
	if err != nil {
		return err
	}
	v.Lists = lists
	return page(c, status, title(c, "members.title"), views.MembersPage(v))
}

// membersDone ends a successful member change: a plain post gets a flash and 303, an htmx
// post gets the updated page in place with the notice.
func (s *Server) membersDone(c echo.Context, notice string) error {
	if isFragment(c) {
		return s.membersPage(c, http.StatusOK, views.MembersView{Notice: notice})
	}
	s.flash(c, consoleSession, notice)
	return seeOther(c, views.PathMembers)
}

// formRoles reads the multi-valued roles field; the form keeps them space-separated for
// re-rendering the ticks.
func formRoles(c echo.Context, f *views.Form) []string {
	params, _ := c.FormParams()
	roles := params["roles"]
	f.Values["roles"] = strings.Join(roles, " ")
	return roles
}

// MemberProjectCreate invites a project member with their roles (administrator only).
func (s *Server) MemberProjectCreate(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "wechat_id")
	roles := formRoles(c, &f)
	_, err := s.store.AddProjectMember(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("wechat_id"), roles)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.membersPage(c, http.StatusUnprocessableEntity, views.MembersView{Project: f})
	} else if err != nil {
		return err
	}
	return s.membersDone(c, "members.invited_notice")
}

// MemberRolesUpdate changes a project member's roles (administrator only).
func (s *Server) MemberRolesUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	f := views.Form{Values: map[string]string{"member": strconv.FormatInt(id, 10)}}
	roles := formRoles(c, &f)
	err = s.store.SetProjectRoles(c.Request().Context(), acc.Account.ID, acc.Person.ID, id, roles)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.membersPage(c, http.StatusUnprocessableEntity, views.MembersView{Roles: f})
	} else if err != nil {
		return err
	}
	return s.membersDone(c, "members.roles_notice")
}

// MemberProjectDelete removes a project member (administrator only).
func (s *Server) MemberProjectDelete(c echo.Context) error {
	return s.memberDelete(c, store.KindProject)
}

// MemberExperienceCreate adds an experience member; every project member may (SPEC §9).
func (s *Server) MemberExperienceCreate(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "wechat_id")
	_, err := s.store.AddExperienceMember(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("wechat_id"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.membersPage(c, http.StatusUnprocessableEntity, views.MembersView{Experience: f})
	} else if err != nil {
		return err
	}
	return s.membersDone(c, "members.added_notice")
}

// MemberExperienceDelete removes an experience member.
func (s *Server) MemberExperienceDelete(c echo.Context) error {
	return s.memberDelete(c, store.KindExperience)
}

func (s *Server) memberDelete(c echo.Context, kind string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	if err := s.store.RemoveMember(c.Request().Context(), acc.Account.ID, acc.Person.ID, kind, id); err != nil {
		return err
	}
	return s.membersDone(c, "members.removed_notice")
}

// memberOf finds row id in the account's list of kind; anything else is a 404.
func (s *Server) memberOf(c echo.Context, kind string) (store.Member, error) {
	id, err := pathID(c)
	if err != nil {
		return store.Member{}, err
	}
	return s.store.MemberOf(c.Request().Context(), access(c).Account.ID, kind, id)
}

// MemberRolesPage is the roles change on a page of its own without JavaScript, and the
// row's dialog that app.js fetches from it with.
func (s *Server) MemberRolesPage(c echo.Context) error {
	m, err := s.memberOf(c, store.KindProject)
	if err != nil {
		return err
	}
	f := views.MemberRoles(m)
	return dialogOrPage(c, title(c, "members.edit_roles_title"), views.MemberRolesPage(m, f), views.RolesDialog(m, f, false))
}

// MemberProjectDeleteConfirm asks before removing a project member: on a page of its own,
// or in the row's dialog that app.js fetches from it.
func (s *Server) MemberProjectDeleteConfirm(c echo.Context) error {
	return s.memberDeleteConfirm(c, store.KindProject)
}

// MemberExperienceDeleteConfirm asks before removing an experience member.
func (s *Server) MemberExperienceDeleteConfirm(c echo.Context) error {
	return s.memberDeleteConfirm(c, store.KindExperience)
}

func (s *Server) memberDeleteConfirm(c echo.Context, kind string) error {
	m, err := s.memberOf(c, kind)
	if err != nil {
		return err
	}
	confirm := views.MemberRemoveConfirm(c.Request().Context(), kind, m)
	return dialogOrPage(c, confirm.Title, views.ConfirmActionPage(confirm), views.ConfirmDialog("remove-"+strconv.FormatInt(m.ID, 10), confirm))
}
