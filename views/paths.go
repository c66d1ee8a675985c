package views

import (
	"fmt"
	"net/url"
)

// URL helpers: every path the views link to, in one place.
const (
	PathHome        = "/home"
	PathLogin       = "/login"
	PathLoginScan   = "/login/scan"
	PathLoginQR     = "/login/qr"
	PathLogout      = "/logout"
	PathRegister    = "/register"
	PathActivate    = "/register/activate"
	PathResend      = "/register/resend"
	PathSubject     = "/register/subject"
	PathAdmin       = "/register/admin"
	PathConfirm     = "/register/confirm"
	PathMailbox     = "/mailbox"
	PathWx          = "/wx"
	PathWxSignup    = "/wx/signup"
	PathWxLogin     = "/wx/login"
	PathWxLogout    = "/wx/logout"
	PathOps         = "/ops"
	PathOpsRegistry = "/ops/registry"
	PathOpsMailbox  = "/ops/mailbox"
	PathPassword    = "/settings/password"
	// The browsers signed in to the console (SPEC §6).
	PathSessions       = "/settings/sessions"
	PathSessionsOthers = "/settings/sessions/others/delete"
)

// PathWxScan is the phone page of a scan request.
func PathWxScan(token string) string { return "/wx/scan/" + url.PathEscape(token) }

// PathSessionEnd signs out one browser on the sessions page.
func PathSessionEnd(id int64) string { return fmt.Sprintf("/settings/sessions/%d/delete", id) }

// PathOpsRegistryDelete removes one open-platform registry entry (POST); its GET asks first.
func PathOpsRegistryDelete(id int64) string { return fmt.Sprintf("/ops/registry/%d/delete", id) }

// PathWxLoginNext signs in to the simulator and comes back to next.
func PathWxLoginNext(next string) string { return withNext(PathWxLogin, next) }

// PathWxSignupNext signs up to the simulator and goes on to next.
func PathWxSignupNext(next string) string { return withNext(PathWxSignup, next) }

func withNext(path, next string) string {
	if next == "" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

// StepPath is the wizard page of an unfinished registration's step.
func StepPath(step string) string {
	switch step {
	case "activate":
		return PathActivate
	case "subject":
		return PathSubject
	case "admin":
		return PathAdmin
	case "confirm":
		return PathConfirm
	}
	return PathHome
}

// Basic info, filing and WeChat authentication (SPEC §7, §8).
const (
	PathBasic           = "/settings/basic"
	PathFiling          = "/settings/filing"
	PathVerify          = "/settings/verify"
	PathBasicName       = "/settings/basic/name"
	PathBasicIcon       = "/settings/basic/icon"
	PathBasicIntro      = "/settings/basic/intro"
	PathBasicCategories = "/settings/basic/categories"
	PathFilingWithdraw  = "/settings/filing/withdraw"
	PathFilingSMS       = "/settings/filing/sms"
)

// Members (SPEC §9) and the simulator's inbox.
const (
	PathMembers           = "/members"
	PathMembersProject    = "/members/project"
	PathMembersExperience = "/members/experience"
	PathMembersTransfer   = "/members/admin/transfer"
	PathWxInbox           = "/wx/inbox"
)

// Development settings (SPEC §10) and the simulator's mini programs (SPEC §11).
const (
	PathDevSettings       = "/dev/settings"
	PathWxApps            = "/wx/apps"
	PathDevSecret         = "/dev/settings/secret"
	PathDevSecretFreeze   = "/dev/settings/secret/freeze"
	PathDevSecretUnfreeze = "/dev/settings/secret/unfreeze"
	PathDevIPWhitelist    = "/dev/settings/ip-whitelist"
	PathDevDomains        = "/dev/settings/domains"
)
