package views

import "fmt"

// PathMemberRoles changes a project member's roles (POST); its GET is the form on a page
// of its own.
func PathMemberRoles(id int64) string { return fmt.Sprintf("/members/project/%d/roles", id) }

// PathMemberDelete removes a member from the list of kind (project or experience) (POST);
// its GET asks first.
func PathMemberDelete(kind string, id int64) string {
	return fmt.Sprintf("/members/%s/%d/delete", kind, id)
}

// PathWxInboxDecide answers one invitation in the simulator's inbox.
func PathWxInboxDecide(id int64) string { return fmt.Sprintf("/wx/inbox/%d", id) }
