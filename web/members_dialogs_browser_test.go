package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// dialogs counts the page's elements matching the CSS selector sel (countNodes' search
// would also match the word in the links' data-dialog).
func dialogs(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+sel+`').length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Issue 9: the members page carries no row's dialog; a row's link fetches its dialog and
// shows it as the page used to: that member's roles form, modal, focused, closed by
// Escape with the focus back on the link; one dialog at a time; saving swaps the page
// with the new roles, a failed save draws the dialog open with its error, and removing
// asks in the row's dialog.
func TestBrowserMemberRowDialogs(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	ctx := e.signedIn(t, e.console(tm.a, tm.admin), "zh-CN")
	row := fmt.Sprintf(`tr[data-testid="member-row"][data-member-id="%d"]`, tm.devRow)
	rolesLink := row + ` a[data-testid="member-roles-link"]`
	removeLink := row + ` a[data-testid="member-remove-link"]`
	open := row + ` dialog[open]`
	do(t, ctx, "open the page", chromedp.Navigate(e.http.URL+"/members"), chromedp.WaitVisible(rolesLink))
	if n := dialogs(t, ctx, "dialog"); n != 0 {
		t.Fatalf("the page carries %d dialogs before any click", n)
	}
	if got := jsString(t, ctx, `document.querySelector('`+rolesLink+`').textContent.trim()`); got != "编辑" {
		t.Fatalf("the roles link says %q", got)
	}

	do(t, ctx, "open the roles dialog", chromedp.Click(rolesLink), chromedp.WaitVisible(open+` [data-testid="member-roles-save"]`))
	form := fmt.Sprintf(`form[action="/members/project/%d/roles"]`, tm.devRow)
	if !jsBool(t, ctx, `(() => { const d = document.querySelector('`+open+`'); return d.matches(':modal') && d.contains(document.activeElement) && d.querySelector('h2').id === d.getAttribute('aria-labelledby') && d.querySelector('h2').textContent.trim() !== '' && !!d.querySelector('`+form+`') && d.textContent.includes('dev_one') })()`) {
		t.Fatal("the roles dialog is not the member's, modal, titled and focused")
	}
	if got := jsString(t, ctx, `[...document.querySelectorAll('`+open+` input[name="roles"]:checked')].map(i => i.value).join(' ')`); got != "developer" {
		t.Fatalf("ticked %q, the member is a developer", got)
	}
	do(t, ctx, "Escape", chromedp.KeyEvent(kb.Escape), chromedp.WaitNotPresent(`dialog[open]`))
	if !jsBool(t, ctx, `document.activeElement === document.querySelector('`+rolesLink+`')`) {
		t.Fatal("closing the dialog did not give the focus back to its link")
	}

	opRemove := fmt.Sprintf(`tr[data-member-id="%d"] a[data-testid="member-remove-link"]`, tm.opRow)
	do(t, ctx, "another row's dialog", chromedp.Click(opRemove), chromedp.WaitVisible(fmt.Sprintf(`tr[data-member-id="%d"] dialog[open] [data-testid="member-delete"]`, tm.opRow)))
	if n := dialogs(t, ctx, "dialog"); n != 1 {
		t.Fatalf("%d dialogs in the page after opening two, want the one shown", n)
	}
	do(t, ctx, "cancel", chromedp.Click(`dialog[open] [data-close-dialog]`), chromedp.WaitNotPresent(`dialog[open]`))

	do(t, ctx, "change the roles", chromedp.Click(rolesLink), chromedp.WaitVisible(open+` [data-testid="member-roles-save"]`),
		chromedp.Click(fmt.Sprintf(`#m%d-role-operator`, tm.devRow)), chromedp.Click(open+` [data-testid="member-roles-save"]`),
		chromedp.WaitVisible(`[data-testid="flash"]`), chromedp.WaitVisible(row+`[data-roles="operator developer"]`))
	if got := jsString(t, ctx, `document.querySelector('`+row+`').innerText`); !strings.Contains(got, "运营者") || !strings.Contains(got, "开发者") {
		t.Fatalf("the row does not show the new roles: %q", got)
	}
	if n := dialogs(t, ctx, "dialog[open]"); n != 0 {
		t.Fatalf("%d dialogs still open after saving", n)
	}

	do(t, ctx, "save no role", chromedp.Click(rolesLink), chromedp.WaitVisible(open+` [data-testid="member-roles-save"]`),
		chromedp.Click(fmt.Sprintf(`#m%d-role-operator`, tm.devRow)), chromedp.Click(fmt.Sprintf(`#m%d-role-developer`, tm.devRow)),
		chromedp.Click(open+` [data-testid="member-roles-save"]`), chromedp.WaitVisible(open+` [data-error-for="roles"][data-error-code="roles_required"]`))
	if !jsBool(t, ctx, `(() => { const d = document.querySelector('`+open+`'); return d.matches(':modal') && document.activeElement.getAttribute('aria-invalid') === 'true' && d.contains(document.activeElement) })()`) {
		t.Fatal("the failed change's dialog is not modal with the focus on the field in error")
	}
	do(t, ctx, "cancel", chromedp.Click(open+` [data-close-dialog]`), chromedp.WaitNotPresent(`dialog[open]`))

	do(t, ctx, "remove", chromedp.Click(removeLink), chromedp.WaitVisible(open+` [data-testid="member-delete"]`),
		chromedp.Click(open+` [data-testid="member-delete"]`), chromedp.WaitNotPresent(row), chromedp.WaitVisible(`[data-testid="flash"]`))
	lists, err := e.st.Members(t.Context(), tm.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range lists.Project {
		if m.ID == tm.devRow {
			t.Fatal("the member is still in the database")
		}
	}
}
