package views

import (
	"fmt"
	"net/url"
)

// The version management routes (SPEC §12).
const (
	PathVersions       = "/versions"
	PathVersionsUpload = "/versions/upload"
	PathReviewWithdraw = "/versions/review/withdraw"
	PathReviewRelease  = "/versions/review/release"
	PathPhasePercent   = "/versions/online/phase"
	PathRollback       = "/versions/rollback"
	PathPhaseCancel    = "/versions/online/phase/cancel"
)

// PathVersionTrial makes a development version the trial version (POST).
func PathVersionTrial(id int64) string { return fmt.Sprintf("/versions/%d/trial", id) }

// PathVersionSubmit is the submit-for-review form of a version (GET) and its post.
func PathVersionSubmit(id int64) string { return fmt.Sprintf("/versions/%d/submit", id) }

// PathVersionDelete deletes a development version (POST); its GET asks first.
func PathVersionDelete(id int64) string { return fmt.Sprintf("/versions/%d/delete", id) }

// PathVersionPackage downloads a version's code package.
func PathVersionPackage(id int64) string { return fmt.Sprintf("/versions/%d/package", id) }

// PathPhaseAction pauses, resumes, completes or cancels the phased release (POST).
func PathPhaseAction(action string) string { return "/versions/online/phase/" + url.PathEscape(action) }

// PathRollbackConfirm asks before rolling back to a version, on a page of its own.
func PathRollbackConfirm(id int64) string { return fmt.Sprintf("/versions/rollback/%d", id) }
