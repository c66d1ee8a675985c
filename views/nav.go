package views

import (
	"context"
	"strings"
)

// NavItem is one page of the console's left navigation, grouped as the real platform
// groups them. A page is added by one line in Nav: it shows once its GET route is
// registered, to the roles that route's row of the permission matrix allows (the route
// table is the one place that says who may open a page, so the menu cannot disagree).
type NavItem struct {
	Path  string
	Label string // catalog id
	Icon  string // drawn for top-level items; grouped items show their group's
	Group string // "" for a top-level item, else a key of NavGroups
}

// Nav lists the console's pages in menu order, including those other parts of the product
// add later; only existing ones are drawn.
var Nav = []NavItem{
	{PathHome, "nav.home", "home", ""},
	{"/versions", "nav.versions", "", "manage"},
	{PathMembers, "nav.members", "", "manage"},
	{"/logs", "nav.logs", "", "manage"},
	{"/stats", "nav.stats", "stats", ""},
	{"/messages", "nav.messages", "", "features"},
	{PathDevSettings, "nav.dev", "", "dev"},
	{"/dev/sandbox", "nav.sandbox", "", "dev"},
	{PathBasic, "nav.basic", "", "settings"},
	{PathFiling, "nav.filing", "", "settings"},
	{PathVerify, "nav.verify", "", "settings"},
	{PathPassword, "nav.password", "", "settings"},
	{"/settings/sessions", "nav.sessions", "", "settings"},
}

// NavGroup is a heading of the navigation.
type NavGroup struct{ Label, Icon string }

// NavGroups are the real console's menu groups.
var NavGroups = map[string]NavGroup{
	"manage":   {"nav.group.manage", "manage"},
	"features": {"nav.group.features", "features"},
	"dev":      {"nav.group.dev", "dev"},
	"settings": {"nav.group.settings", "settings"},
}

// navSection is a top-level item alone, or a group with its visible items.
type navSection struct {
	Group string
	Items []NavItem
}

// navSections is the navigation the signed-in roles get: pages that exist and that they
// may open, in menu order, empty groups left out.
func navSections(ctx context.Context) []navSection {
	c := chrome(ctx)
	var out []navSection
	for _, it := range Nav {
		action, exists := c.Pages[it.Path]
		if !exists || !Can(ctx, action) {
			continue
		}
		if n := len(out); it.Group != "" && n > 0 && out[n-1].Group == it.Group {
			out[n-1].Items = append(out[n-1].Items, it)
			continue
		}
		out = append(out, navSection{Group: it.Group, Items: []NavItem{it}})
	}
	return out
}

// navCurrent tells whether the request is on the item's page or one below it.
func navCurrent(ctx context.Context, it NavItem) bool {
	p := chrome(ctx).Path
	return p == it.Path || strings.HasPrefix(p, it.Path+"/")
}
