package views

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"mpconsole/store"
)

// VersionsView is the version management page's view model: the store's snapshot, the
// trial's QR code, and each form as typed with its errors, so a 422 re-renders the page
// with the user's input next to the field that failed.
type VersionsView struct {
	Page     store.VersionsPage
	TrialQR  string // data: URL of the PNG of the absolute TrialURL
	TrialURL string
	Upload   Form     // the upload form
	Release  Form     // the release form of an approved review
	Phase    Form     // the raise-the-share form of a phased release
	Alert    Form     // a page-level refusal (Errors[""]) of any other form
	Missing  []string // basic_info_incomplete: what the basic info still lacks
}

// SubmitView is the submit-for-review form of one version (SPEC §12): up to 5 page groups,
// each a page of the package, one of the account's approved categories and tags.
type SubmitView struct {
	Version    store.Version
	Categories []store.AccountCategory // the approved ones
	Form       Form                    // page.N, category.N, tags.N as typed
	Missing    []string
}

// SubmitGroups is how many page groups the form offers (real: at most 5).
const SubmitGroups = 5

// alert is the page-level refusal to show: the Alert form's, or a field error of the
// release or phase form while that form is not on the page (a post that raced a change of
// the review or the release), so no refusal goes unseen.
func (v VersionsView) alert() Form {
	if v.Alert.Err("") != "" {
		return v.Alert
	}
	hidden := []Form{}
	if r := v.Page.Review; r == nil || r.Status != store.CodeApproved {
		hidden = append(hidden, v.Release)
	}
	if o := v.Page.Online; o == nil || !o.InProgress() {
		hidden = append(hidden, v.Phase)
	}
	for _, f := range hidden {
		for _, code := range f.Errors {
			return Form{Errors: map[string]string{"": code}}
		}
	}
	return v.Alert
}

// uploaderName is who uploaded a version: the person's WeChat ID or "robot N".
func uploaderName(ctx context.Context, v store.Version) string {
	if v.Uploader.Robot != 0 {
		return T(ctx, "versions.robot", map[string]any{"N": v.Uploader.Robot})
	}
	return v.WechatID
}

// size shows a package size in KB with one decimal, as the real console does.
func size(n int64) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }

// rollbackTo tells whether the history row's version is one rollback may go back to now.
func (v VersionsView) rollbackTo(id int64) bool {
	return slices.ContainsFunc(v.Page.RollbackTargets, func(t store.Version) bool { return t.ID == id })
}

// VersionDeleteConfirm asks before a development version is deleted.
func VersionDeleteConfirm(ctx context.Context, v store.Version) Confirm {
	return Confirm{
		Title:    T(ctx, "versions.delete_title"),
		Question: T(ctx, "versions.delete_question", map[string]any{"Version": v.Version, "Uploader": uploaderName(ctx, v)}),
		Action:   PathVersionDelete(v.ID), Button: "versions.delete", Back: PathVersions, TestID: "version-delete",
	}
}

// PhaseCancelConfirm asks before a phased release is cancelled.
func PhaseCancelConfirm(ctx context.Context, r store.Release) Confirm {
	prev := ""
	if r.Previous != nil {
		prev = r.Previous.Version
	}
	return Confirm{
		Title:    T(ctx, "versions.cancel_title"),
		Question: T(ctx, "versions.cancel_question", map[string]any{"Version": r.Version.Version, "Previous": prev}),
		Action:   PathPhaseCancel, Button: "versions.phase_cancel", Back: PathVersions, TestID: "phase-cancel",
	}
}

// categoryChosen tells whether the submit form's group i has category c selected.
func categoryChosen(f Form, i string, c store.AccountCategory) bool {
	return f.V("category."+i) == strconv.FormatInt(c.ID, 10)
}
