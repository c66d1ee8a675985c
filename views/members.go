package views

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"mpconsole/store"
)

// MembersView is the members page's view model: the three lists, and what was typed into
// each form with its errors, so a 422 re-renders the page with the user's input.
type MembersView struct {
	Lists      store.MemberLists
	Project    Form   // the invite form; Values["roles"] holds the ticked roles, space-separated
	Experience Form   // the add-experience-member form
	Roles      Form   // a roles change that failed; Values["member"] names its row
	Transfer   Form   // the administrator transfer form
	Notice     string // catalog id of what just succeeded; htmx answers carry it instead of a flash
}

// rolesFailed tells whether the roles change that failed was row m's: that row, and only
// that one, draws its dialog open with the errors.
func (v MembersView) rolesFailed(m store.Member) bool {
	return len(v.Roles.Errors) > 0 && v.Roles.V("member") == strconv.FormatInt(m.ID, 10)
}

// MemberRoles is the roles form of m as it stands, before any change.
func MemberRoles(m store.Member) Form {
	return Form{Values: map[string]string{"roles": m.Roles.String()}}
}

func roleTicked(f Form, r store.Role) bool {
	return slices.Contains(strings.Fields(f.V("roles")), string(r))
}

// MemberRemoveConfirm asks before a member of kind (project or experience) is removed.
func MemberRemoveConfirm(ctx context.Context, kind string, m store.Member) Confirm {
	name := m.WechatID
	if m.Nickname != "" {
		name = m.Nickname + " (" + m.WechatID + ")"
	}
	return Confirm{
		Title:    T(ctx, "members.remove_title."+kind),
		Question: T(ctx, "members.remove_question."+kind, map[string]any{"Name": name}),
		Action:   PathMemberDelete(kind, m.ID), Button: "members.remove", Back: PathMembers, TestID: "member-delete",
	}
}
