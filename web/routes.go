package web

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"mpconsole/static"
	"mpconsole/store"
	"mpconsole/views"
)

// routes is the whole route table, grouped by surface (SPEC §1). The HTML routes are added
// one by one with their guards (s.html), never through a group with middleware: Echo turns
// a group's middleware into catch-all routes, which would put CSRF and sessions in front of
// unknown paths and of the API. Unknown paths and methods reach handleError as Echo's own
// 404 and 405, which answers JSON under the API's prefixes and the error page elsewhere.
func (s *Server) routes() {
	e := s.echo
	e.Use(middleware.RequestID(), s.logRequests(), s.measure(), middleware.Recover(), securityHeaders(), middleware.BodyLimit("8M"))
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
	e.GET("/icons/:appid", s.IconServe) // public images: no session, no CSRF cookie
	e.GET("/healthz", s.Healthz)        // for probes: no session, no CSRF cookie, no journal

	s.html(http.MethodGet, "/", s.Root)

	// Registration wizard (SPEC §5) and login (SPEC §6): public, or the unfinished
	// registration this browser holds. The password forms are rate limited per client.
	s.html(http.MethodGet, "/register", s.RegisterPage)
	s.html(http.MethodPost, "/register", s.RegisterCreate, s.limited(s.registerForm, "email", "agree"))
	s.html(http.MethodGet, "/register/activate", s.ActivatePage)
	s.html(http.MethodPost, "/register/resend", s.ActivationResend)
	s.html(http.MethodGet, "/register/subject", s.SubjectPage, s.wizard(store.StepSubject))
	s.html(http.MethodPost, "/register/subject", s.SubjectSave, s.wizard(store.StepSubject))
	s.html(http.MethodGet, "/register/admin", s.AdminScanPage, s.wizard(store.StepAdmin))
	s.html(http.MethodPost, "/register/admin", s.AdminScanRenew, s.wizard(store.StepAdmin))
	s.html(http.MethodGet, "/register/confirm", s.ConfirmPage, s.wizard(store.StepConfirm))
	s.html(http.MethodPost, "/register/confirm", s.ConfirmSave, s.wizard(store.StepConfirm))
	s.html(http.MethodGet, "/mailbox", s.MailboxPage)
	s.html(http.MethodGet, "/login", s.LoginPage)
	s.html(http.MethodPost, "/login", s.LoginCreate, s.limited(s.loginForm, "email"))
	s.html(http.MethodPost, "/login/qr", s.LoginQR)
	s.html(http.MethodGet, "/login/scan", s.LoginScanPage)
	s.html(http.MethodPost, "/login/scan", s.LoginPick)
	s.html(http.MethodPost, "/logout", s.Logout)

	// Console (SPEC §7–§12): every route names its row of the permission matrix.
	s.console(http.MethodGet, "/home", s.Home, store.ActView)
	s.console(http.MethodGet, "/settings/password", s.PasswordPage, store.ActAccount)
	s.console(http.MethodPost, "/settings/password", s.PasswordUpdate, store.ActAccount, s.limited(s.passwordForm))
	s.console(http.MethodGet, views.PathSessions, s.SessionsPage, store.ActView)
	s.console(http.MethodPost, "/settings/sessions/:id/delete", s.SessionEnd, store.ActView)
	s.console(http.MethodPost, views.PathSessionsOthers, s.SessionsEndOthers, store.ActView)

	// Basic info, filing and WeChat authentication (SPEC §7, §8).
	s.console(http.MethodGet, "/settings/basic", s.BasicPage, store.ActView)
	s.console(http.MethodGet, "/settings/basic/name", s.BasicNameEdit, store.ActEditBasic)
	s.console(http.MethodGet, "/settings/basic/icon", s.BasicIconEdit, store.ActEditBasic)
	s.console(http.MethodGet, "/settings/basic/intro", s.BasicIntroEdit, store.ActEditBasic)
	s.console(http.MethodGet, "/settings/basic/categories", s.BasicCategoryPicker, store.ActEditBasic)
	s.console(http.MethodGet, "/settings/basic/categories/:id/delete", s.BasicCategoryDeleteConfirm, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/basic/name", s.BasicNameSave, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/basic/icon", s.BasicIconSave, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/basic/intro", s.BasicIntroSave, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/basic/categories", s.BasicCategoryAdd, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/basic/categories/:id/delete", s.BasicCategoryDelete, store.ActEditBasic)
	s.console(http.MethodGet, "/settings/filing", s.FilingPage, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/filing", s.FilingSave, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/filing/withdraw", s.FilingWithdraw, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/filing/sms", s.FilingSMSConfirm, store.ActEditBasic)
	s.console(http.MethodGet, "/settings/verify", s.VerifyPage, store.ActEditBasic)
	s.console(http.MethodPost, "/settings/verify", s.VerifySubmit, store.ActEditBasic)

	// Members and the administrator (SPEC §9).
	s.console(http.MethodGet, "/members", s.MembersPage, store.ActManageExperience)
	s.console(http.MethodPost, "/members/project", s.MemberProjectCreate, store.ActManageProject)
	s.console(http.MethodGet, "/members/project/:id/roles", s.MemberRolesPage, store.ActManageProject)
	s.console(http.MethodPost, "/members/project/:id/roles", s.MemberRolesUpdate, store.ActManageProject)
	s.console(http.MethodGet, "/members/project/:id/delete", s.MemberProjectDeleteConfirm, store.ActManageProject)
	s.console(http.MethodPost, "/members/project/:id/delete", s.MemberProjectDelete, store.ActManageProject)
	s.console(http.MethodPost, "/members/experience", s.MemberExperienceCreate, store.ActManageExperience)
	s.console(http.MethodGet, "/members/experience/:id/delete", s.MemberExperienceDeleteConfirm, store.ActManageExperience)
	s.console(http.MethodPost, "/members/experience/:id/delete", s.MemberExperienceDelete, store.ActManageExperience)
	s.console(http.MethodPost, "/members/admin/transfer", s.TransferCreate, store.ActManageProject)
	s.console(http.MethodGet, "/members/admin/transfer", s.TransferPage, store.ActManageProject)

	// Development settings (SPEC §10).
	s.console(http.MethodGet, views.PathDevSettings, s.DevSettingsPage, store.ActViewDev)
	s.console(http.MethodGet, views.PathDevIPWhitelist, s.IPWhitelistEdit, store.ActEditDev)
	s.console(http.MethodPost, views.PathDevIPWhitelist, s.IPWhitelistSave, store.ActEditDev)
	s.console(http.MethodGet, views.PathDevDomains, s.DomainsEdit, store.ActEditDev)
	s.console(http.MethodPost, views.PathDevDomains, s.DomainsSave, store.ActEditDev)
	s.console(http.MethodPost, views.PathDevSecret, s.SecretCreate, store.ActSecret)
	s.console(http.MethodGet, "/dev/settings/secret/wait/:token", s.SecretWaitPage, store.ActSecret)
	s.console(http.MethodGet, "/dev/settings/secret/:token", s.SecretShowPage, store.ActSecret)
	s.console(http.MethodPost, views.PathDevSecretFreeze, s.SecretFreeze, store.ActSecret)
	s.console(http.MethodPost, views.PathDevSecretUnfreeze, s.SecretUnfreeze, store.ActSecret)
	s.console(http.MethodGet, "/dev/settings/secret/freeze/:token", s.SecretFreezeWaitPage, store.ActSecret)
	s.console(http.MethodGet, "/dev/settings/secret/unfreeze/:token", s.SecretUnfreezeWaitPage, store.ActSecret)
	s.console(http.MethodPost, views.PathDevUploadKey, s.UploadKeyCreate, store.ActSecret)
	s.console(http.MethodGet, "/dev/settings/upload-key/wait/:token", s.UploadKeyWaitPage, store.ActSecret)
	s.console(http.MethodGet, "/dev/settings/upload-key/:token", s.UploadKeyShowPage, store.ActSecret)
	s.console(http.MethodGet, views.PathDevUploadKeyIPs, s.UploadKeyIPsEdit, store.ActEditDev)
	s.console(http.MethodPost, views.PathDevUploadKeyIPs, s.UploadKeyIPsSave, store.ActEditDev)

	// Versions, review and release (SPEC §12): every member sees the page; uploading and
	// the trial need ActUpload, review, release and rollback ActRelease.
	s.console(http.MethodGet, views.PathVersions, s.VersionsPage, store.ActView)
	s.console(http.MethodPost, views.PathVersionsUpload, s.VersionUpload, store.ActUpload)
	s.console(http.MethodPost, "/versions/:id/trial", s.VersionTrial, store.ActUpload)
	s.console(http.MethodGet, "/versions/:id/package", s.VersionPackage, store.ActUpload)
	s.console(http.MethodGet, "/versions/:id/delete", s.VersionDeleteConfirm, store.ActUpload)
	s.console(http.MethodPost, "/versions/:id/delete", s.VersionDelete, store.ActUpload)
	s.console(http.MethodGet, "/versions/:id/submit", s.VersionSubmitPage, store.ActRelease)
	s.console(http.MethodPost, "/versions/:id/submit", s.VersionSubmit, store.ActRelease)
	s.console(http.MethodPost, views.PathReviewWithdraw, s.ReviewWithdraw, store.ActRelease)
	s.console(http.MethodPost, views.PathReviewRelease, s.ReviewRelease, store.ActRelease)
	s.console(http.MethodPost, views.PathPhasePercent, s.PhasePercent, store.ActRelease)
	s.console(http.MethodGet, views.PathPhaseCancel, s.PhaseCancelConfirm, store.ActRelease)
	s.console(http.MethodPost, "/versions/online/phase/:action", s.PhaseChange, store.ActRelease)
	s.console(http.MethodGet, "/versions/rollback/:id", s.RollbackConfirm, store.ActRelease)
	s.console(http.MethodPost, views.PathRollback, s.Rollback, store.ActRelease)

	// Operational data and the operation log (SPEC §16).
	s.console(http.MethodGet, views.PathStats, s.StatsPage, store.ActStats)
	s.console(http.MethodGet, views.PathStatsCSV, s.StatsCSV, store.ActStats)
	s.console(http.MethodGet, views.PathLogs, s.LogsPage, store.ActLogs)
	s.console(http.MethodGet, views.PathLogsCSV, s.LogsCSV, store.ActLogs)

	// Subscribe messages (SPEC §17).
	s.console(http.MethodGet, views.PathMessages, s.MessagesPage, store.ActMessages)
	s.console(http.MethodGet, views.PathMessagesNew, s.MessageNewPage, store.ActMessages)
	s.console(http.MethodPost, views.PathMessages, s.MessageCreate, store.ActMessages)
	s.console(http.MethodGet, "/messages/:id/delete", s.MessageDeleteConfirm, store.ActMessages)
	s.console(http.MethodPost, "/messages/:id/delete", s.MessageDelete, store.ActMessages)

	// Sandbox tools (SPEC §18).
	s.console(http.MethodGet, views.PathSandbox, s.SandboxPage, store.ActSandbox)
	s.console(http.MethodPost, views.PathSandboxFaults, s.SandboxFaultAdd, store.ActSandbox)
	s.console(http.MethodPost, "/dev/sandbox/faults/:id/delete", s.SandboxFaultDelete, store.ActSandbox)
	s.console(http.MethodPost, views.PathSandboxTokens, s.SandboxTokenCreate, store.ActSandbox)
	s.console(http.MethodGet, "/dev/sandbox/tokens/show/:key", s.SandboxTokenShowPage, store.ActSandbox)
	s.console(http.MethodGet, "/dev/sandbox/tokens/:id/revoke", s.SandboxTokenRevokeConfirm, store.ActSandbox)
	s.console(http.MethodPost, "/dev/sandbox/tokens/:id/revoke", s.SandboxTokenRevoke, store.ActSandbox)
	s.console(http.MethodPost, views.PathSandboxWhitelistMode, s.SandboxWhitelistMode, store.ActWhitelistMode)
	s.console(http.MethodGet, views.PathSandboxWords, s.SandboxWordsEdit, store.ActSandbox)
	s.console(http.MethodPost, views.PathSandboxWords, s.SandboxWordsSave, store.ActSandbox)
	s.clockRoutes()

	// Simulated WeChat (SPEC §3).
	s.html(http.MethodGet, "/wx", s.WxHome, s.wxPerson)
	s.html(http.MethodGet, "/wx/signup", s.WxSignupPage)
	s.html(http.MethodPost, "/wx/signup", s.WxSignup, s.limited(s.wxSignupForm, signupFields...))
	s.html(http.MethodGet, "/wx/login", s.WxLoginPage)
	s.html(http.MethodPost, "/wx/login", s.WxLogin, s.limited(s.wxLoginForm, "wechat_id", "next"))
	s.html(http.MethodPost, "/wx/logout", s.WxLogout)
	s.html(http.MethodGet, "/wx/scan/:token", s.WxScanPage, s.wxPerson)
	s.html(http.MethodPost, "/wx/scan/:token", s.WxScanDecide, s.wxPerson)

	// The simulator's inbox (SPEC §9).
	s.html(http.MethodGet, "/wx/inbox", s.WxInbox, s.wxPerson)
	s.html(http.MethodPost, "/wx/inbox/:id", s.WxInboxDecide, s.wxPerson)

	// The simulator's mini programs (SPEC §11).
	s.html(http.MethodGet, views.PathWxApps, s.WxAppsPage, s.wxPerson)
	s.html(http.MethodPost, "/wx/apps/:appid/open", s.WxAppOpen, s.wxPerson)
	s.html(http.MethodGet, "/wx/apps/:appid", s.WxAppEnvOpen, s.wxPerson)

	// The simulator's phone number, subscriptions and service notifications (SPEC §17).
	s.html(http.MethodGet, views.PathWxProfile, s.WxProfilePage, s.wxPerson)
	s.html(http.MethodPost, views.PathWxProfile, s.WxProfileSave, s.wxPerson)
	s.html(http.MethodGet, "/wx/apps/:appid/services", s.WxAppServicesPage, s.wxPerson)
	s.html(http.MethodPost, "/wx/apps/:appid/phone", s.WxAppPhoneShare, s.wxPerson)
	s.html(http.MethodPost, "/wx/apps/:appid/subscribe", s.WxAppSubscribe, s.wxPerson)
	s.html(http.MethodGet, views.PathWxNotices, s.WxNoticesPage, s.wxPerson)
	s.html(http.MethodGet, "/wx/notices/:id/open", s.WxNoticeOpen, s.wxPerson)

	// Ops (SPEC §3).
	s.html(http.MethodGet, "/ops", s.OpsQueue, s.operator)
	s.html(http.MethodGet, "/ops/registry", s.OpsRegistry, s.operator)
	s.html(http.MethodPost, "/ops/registry", s.OpsRegistryAdd, s.operator)
	s.html(http.MethodGet, "/ops/registry/:id/delete", s.OpsRegistryDeleteConfirm, s.operator)
	s.html(http.MethodPost, "/ops/registry/:id/delete", s.OpsRegistryDelete, s.operator)
	s.html(http.MethodGet, views.PathOpsMailbox, s.OpsMailboxPage, s.operator)

	// Ops decisions (SPEC §3, §7, §8).
	s.html(http.MethodPost, "/ops/:kind/:id", s.OpsDecide, s.operator)
	s.html(http.MethodGet, "/ops/authentication/:id/document", s.OpsAuthDocument, s.operator)

	// WeChat-compatible API (SPEC §11): its own package and groups, no sessions, no CSRF,
	// JSON for every error under its prefixes.
	s.api.Mount(e)
	s.sbapi.Mount(e) // the sandbox's automation API (SPEC §18): a bearer token, JSON errors
	s.mountMetrics() // last: it reads the route table
}

// html registers a route of the HTML surfaces behind the CSRF guard and the page chrome,
// then the route's own guards m. A page (GET) first waits its turn (admission.go).
func (s *Server) html(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	guards := []echo.MiddlewareFunc{s.htmlGuard, s.chrome}
	if method == http.MethodGet {
		guards = append([]echo.MiddlewareFunc{s.pageTurns.admit}, guards...)
	}
	s.echo.Add(method, path, h, append(guards, m...)...)
}

// console registers a console route behind the permission check for action, and records
// the pair for the route × role test; a page (a GET without parameters) also becomes one
// the navigation may show.
func (s *Server) console(method, path string, h echo.HandlerFunc, action store.Action, m ...echo.MiddlewareFunc) {
	s.html(method, path, h, append([]echo.MiddlewareFunc{s.member(action)}, m...)...)
	s.actions[method+" "+path] = action
	if method == http.MethodGet && !strings.Contains(path, ":") {
		s.pages[path] = action
	}
}

// securityHeaders are SPEC §19's headers on every answer: scripts and styles from this
// server only (no inline script or style), no framing (the scan page must not be framed
// into a click), no MIME sniffing, no referrer outside the site.
func securityHeaders() echo.MiddlewareFunc {
	return middleware.SecureWithConfig(middleware.SecureConfig{
		ContentTypeNosniff: "nosniff",
		XFrameOptions:      "DENY",
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
		ReferrerPolicy: "same-origin",
	})
}

// ConsoleActions lists every console route with the matrix row that guards it.
func (s *Server) ConsoleActions() map[string]store.Action { return s.actions }

// logRequests writes one line per request with its id. It logs the route pattern, never
// the URL: paths and query strings carry secrets (scan and activation tokens, the API's
// secret parameter).
func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogMethod: true, LogRoutePath: true, LogLatency: true, LogRequestID: true, LogError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("id", v.RequestID), slog.String("method", v.Method), slog.String("route", v.RoutePath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency))
			return nil
		},
	})
}
