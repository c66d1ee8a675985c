package store

// OpAction is an operation-log action (SPEC §16): the stable code a row is written with,
// filtered by and translated as the catalog's oplog.action.CODE. Every action is declared
// below with op, the only place that makes one, so logOp cannot be handed a code missing
// from OpActions, and the catalog test checks each has its texts in both languages.
type OpAction struct{ code string }

// String is the action's code.
func (a OpAction) String() string { return a.code }

var opActions []OpAction

func op(code string) OpAction {
	a := OpAction{code}
	opActions = append(opActions, a)
	return a
}

// Registration (SPEC §5): the steps before an administrator is bound are the login's.
var (
	opAccountCreated   = op("account_created")
	opActivationResent = op("activation_resent")
	opAccountActivated = op("account_activated")
	opSubjectSaved     = op("subject_saved")
	opAdminBound       = op("admin_bound")
	opRegistered       = op("registered")
	opSubjectApproved  = op("subject_approved")
	opSubjectRejected  = op("subject_rejected")
)

// Basic info (SPEC §7).
var (
	opNameSet          = op("name_set")
	opIconSet          = op("icon_set")
	opIntroSet         = op("intro_set")
	opCategoryAdded    = op("category_added")
	opCategoryDeleted  = op("category_deleted")
	opCategoryApproved = op("category_approved")
	opCategoryRejected = op("category_rejected")
)

// Filing and authentication (SPEC §8).
var (
	opFilingSaved          = op("filing_saved")
	opFilingSubmitted      = op("filing_submitted")
	opFilingWithdrawn      = op("filing_withdrawn")
	opFilingSMSConfirmed   = op("filing_sms_confirmed")
	opFilingPlatformPassed = op("filing_approved_platform_review")
	opFilingFiled          = op("filing_approved_authority_review")
	opFilingRejected       = op("filing_rejected")
	opAuthSubmitted        = op("auth_submitted")
	opAuthApproved         = op("auth_approved")
	opAuthRejected         = op("auth_rejected")
)

// Members and the administrator (SPEC §9).
var (
	opProjectMemberAdded      = op("project_member_added")
	opExperienceMemberAdded   = op("experience_member_added")
	opProjectMemberRoles      = op("project_member_roles")
	opProjectMemberRemoved    = op("project_member_removed")
	opExperienceMemberRemoved = op("experience_member_removed")
	opInvitationAccepted      = op("invitation_accepted")
	opInvitationDeclined      = op("invitation_declined")
	opAdminTransferred        = op("admin_transferred")
)

// Credentials and development settings (SPEC §6, §10, §12).
var (
	opPasswordChanged    = op("password_changed")
	opSecretGenerated    = op("secret_generated")
	opSecretReset        = op("secret_reset")
	opSecretFrozen       = op("secret_frozen")
	opSecretUnfrozen     = op("secret_unfrozen")
	opIPWhitelistSet     = op("ip_whitelist_set")
	opWhitelistModeSet   = op("whitelist_mode_set")
	opDomainsSet         = op("domains_set")
	opUploadKeyGenerated = op("upload_key_generated")
	opUploadKeyReset     = op("upload_key_reset")
	opUploadKeyIPsSet    = op("upload_key_ips_set")
)

// Subscribe-message templates and the content-security word list (SPEC §17, §18).
var (
	opMessageTemplateAdded   = op("message_template_added")
	opMessageTemplateDeleted = op("message_template_deleted")
	opSecurityWordsSet       = op("security_words_set")
)

// Versions, review and release (SPEC §12).
var (
	opVersionUploaded   = op("version_uploaded")
	opVersionDeleted    = op("version_deleted")
	opTrialSet          = op("trial_set")
	opReviewSubmitted   = op("review_submitted")
	opReviewWithdrawn   = op("review_withdrawn")
	opCodeApproved      = op("code_approved")
	opCodeRejected      = op("code_rejected")
	opVersionReleased   = op("version_released")
	opPhasePercentSet   = op("phase_percent_set")
	opPhasePaused       = op("phase_paused")
	opPhaseResumed      = op("phase_resumed")
	opPhaseFull         = op("phase_full")
	opPhaseCancelled    = op("phase_cancelled")
	opPhaseAutoFull     = op("phase_auto_full")
	opVersionRolledBack = op("version_rolled_back")
)

// OpActions lists every action code, grouped by feature, for the /logs action filter and
// the catalog.
func OpActions() []string {
	out := make([]string, len(opActions))
	for i, a := range opActions {
		out[i] = a.code
	}
	return out
}

// opActionByCode finds an action by its code, for the action filter.
func opActionByCode(code string) (OpAction, bool) {
	for _, a := range opActions {
		if a.code == code {
			return a, true
		}
	}
	return OpAction{}, false
}
