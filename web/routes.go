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

// routes is the whole route table, grouped by surface (SPEC §1).
func (s *Server) routes() {
	e := s.echo
	e.Use(middleware.RequestID(), s.logRequests(), middleware.Recover(), middleware.BodyLimit("8M"))
	e.GET(static.Prefix+"*", echo.WrapHandler(static.Handler()))
	e.GET("/icons/:appid", s.IconServe) // public images: no session, no CSRF cookie

	w := e.Group("", csrf(), s.chrome)
	w.GET("/", s.Root)

	// Registration wizard (SPEC §5) and login (SPEC §6): public, or the unfinished
	// registration this browser holds.
	w.GET("/register", s.RegisterPage)
	w.POST("/register", s.RegisterCreate)
	w.GET("/register/activate", s.ActivatePage)
	w.POST("/register/resend", s.ActivationResend)
	w.GET("/register/subject", s.SubjectPage, s.wizard(store.StepSubject))
	w.POST("/register/subject", s.SubjectSave, s.wizard(store.StepSubject))
	w.GET("/register/admin", s.AdminScanPage, s.wizard(store.StepAdmin))
	w.POST("/register/admin", s.AdminScanRenew, s.wizard(store.StepAdmin))
	w.GET("/register/confirm", s.ConfirmPage, s.wizard(store.StepConfirm))
	w.POST("/register/confirm", s.ConfirmSave, s.wizard(store.StepConfirm))
	w.GET("/mailbox", s.MailboxPage)
	w.GET("/login", s.LoginPage)
	w.POST("/login", s.LoginCreate)
	w.POST("/login/qr", s.LoginQR)
	w.GET("/login/scan", s.LoginScanPage)
	w.POST("/login/scan", s.LoginPick)
	w.POST("/logout", s.Logout)

	// Console (SPEC §7–§12): every route names its row of the permission matrix.
	s.console(w, http.MethodGet, "/home", s.Home, store.ActView)
	s.console(w, http.MethodGet, "/settings/password", s.PasswordPage, store.ActAccount)
	s.console(w, http.MethodPost, "/settings/password", s.PasswordUpdate, store.ActAccount)

	// Basic info, filing and WeChat authentication (SPEC §7, §8).
	s.console(w, http.MethodGet, "/settings/basic", s.BasicPage, store.ActView)
	s.console(w, http.MethodGet, "/settings/basic/name", s.BasicNameEdit, store.ActEditBasic)
	s.console(w, http.MethodGet, "/settings/basic/icon", s.BasicIconEdit, store.ActEditBasic)
	s.console(w, http.MethodGet, "/settings/basic/intro", s.BasicIntroEdit, store.ActEditBasic)
	s.console(w, http.MethodGet, "/settings/basic/categories", s.BasicCategoryPicker, store.ActEditBasic)
	s.console(w, http.MethodGet, "/settings/basic/categories/:id/delete", s.BasicCategoryDeleteConfirm, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/basic/name", s.BasicNameSave, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/basic/icon", s.BasicIconSave, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/basic/intro", s.BasicIntroSave, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/basic/categories", s.BasicCategoryAdd, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/basic/categories/:id/delete", s.BasicCategoryDelete, store.ActEditBasic)
	s.console(w, http.MethodGet, "/settings/filing", s.FilingPage, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/filing", s.FilingSave, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/filing/withdraw", s.FilingWithdraw, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/filing/sms", s.FilingSMSConfirm, store.ActEditBasic)
	s.console(w, http.MethodGet, "/settings/verify", s.VerifyPage, store.ActEditBasic)
	s.console(w, http.MethodPost, "/settings/verify", s.VerifySubmit, store.ActEditBasic)

	// Members and the administrator (SPEC §9).
	s.console(w, http.MethodGet, "/members", s.MembersPage, store.ActManageExperience)
	s.console(w, http.MethodPost, "/members/project", s.MemberProjectCreate, store.ActManageProject)
	s.console(w, http.MethodGet, "/members/project/:id/roles", s.MemberRolesPage, store.ActManageProject)
	s.console(w, http.MethodPost, "/members/project/:id/roles", s.MemberRolesUpdate, store.ActManageProject)
	s.console(w, http.MethodGet, "/members/project/:id/delete", s.MemberProjectDeleteConfirm, store.ActManageProject)
	s.console(w, http.MethodPost, "/members/project/:id/delete", s.MemberProjectDelete, store.ActManageProject)
	s.console(w, http.MethodPost, "/members/experience", s.MemberExperienceCreate, store.ActManageExperience)
	s.console(w, http.MethodGet, "/members/experience/:id/delete", s.MemberExperienceDeleteConfirm, store.ActManageExperience)
	s.console(w, http.MethodPost, "/members/experience/:id/delete", s.MemberExperienceDelete, store.ActManageExperience)
	s.console(w, http.MethodPost, "/members/admin/transfer", s.TransferCreate, store.ActManageProject)
	s.console(w, http.MethodGet, "/members/admin/transfer", s.TransferPage, store.ActManageProject)

	// Development settings (SPEC §10).
	s.console(w, http.MethodGet, views.PathDevSettings, s.DevSettingsPage, store.ActViewDev)
	s.console(w, http.MethodGet, views.PathDevIPWhitelist, s.IPWhitelistEdit, store.ActEditDev)
	s.console(w, http.MethodPost, views.PathDevIPWhitelist, s.IPWhitelistSave, store.ActEditDev)
	s.console(w, http.MethodGet, views.PathDevDomains, s.DomainsEdit, store.ActEditDev)
	s.console(w, http.MethodPost, views.PathDevDomains, s.DomainsSave, store.ActEditDev)
	s.console(w, http.MethodPost, views.PathDevSecret, s.SecretCreate, store.ActSecret)
	s.console(w, http.MethodGet, "/dev/settings/secret/wait/:token", s.SecretWaitPage, store.ActSecret)
	s.console(w, http.MethodGet, "/dev/settings/secret/:token", s.SecretShowPage, store.ActSecret)
	s.console(w, http.MethodPost, views.PathDevSecretFreeze, s.SecretFreeze, store.ActSecret)
	s.console(w, http.MethodPost, views.PathDevSecretUnfreeze, s.SecretUnfreeze, store.ActSecret)
	s.console(w, http.MethodGet, "/dev/settings/secret/freeze/:token", s.SecretFreezeWaitPage, store.ActSecret)
	s.console(w, http.MethodGet, "/dev/settings/secret/unfreeze/:token", s.SecretUnfreezeWaitPage, store.ActSecret)

	// Simulated WeChat (SPEC §3).
	w.GET("/wx", s.WxHome, s.wxPerson)
	w.GET("/wx/signup", s.WxSignupPage)
	w.POST("/wx/signup", s.WxSignup)
	w.GET("/wx/login", s.WxLoginPage)
	w.POST("/wx/login", s.WxLogin)
	w.POST("/wx/logout", s.WxLogout)
	w.GET("/wx/scan/:token", s.WxScanPage, s.wxPerson)
	w.POST("/wx/scan/:token", s.WxScanDecide, s.wxPerson)

	// The simulator's inbox (SPEC §9).
	w.GET("/wx/inbox", s.WxInbox, s.wxPerson)
	w.POST("/wx/inbox/:id", s.WxInboxDecide, s.wxPerson)

	// The simulator's mini programs (SPEC §11).
	w.GET(views.PathWxApps, s.WxAppsPage, s.wxPerson)
	w.POST("/wx/apps/:appid/open", s.WxAppOpen, s.wxPerson)

	// Ops (SPEC §3).
	w.GET("/ops", s.OpsQueue, s.operator)
	w.GET("/ops/registry", s.OpsRegistry, s.operator)
	w.POST("/ops/registry", s.OpsRegistryAdd, s.operator)
	w.GET("/ops/registry/:id/delete", s.OpsRegistryDeleteConfirm, s.operator)
	w.POST("/ops/registry/:id/delete", s.OpsRegistryDelete, s.operator)
	w.GET(views.PathOpsMailbox, s.OpsMailboxPage, s.operator)

	// Ops decisions (SPEC §3, §7, §8).
	w.POST("/ops/:kind/:id", s.OpsDecide, s.operator)
	w.GET("/ops/authentication/:id/document", s.OpsAuthDocument, s.operator)

	// WeChat-compatible API (SPEC §11): no sessions, no CSRF, its own JSON errors.
	e.GET("/cgi-bin/token", s.APIToken)
	e.POST("/cgi-bin/stable_token", s.APIStableToken)
	e.GET("/cgi-bin/stable_token", s.APIRequirePost)
	e.GET("/sns/jscode2session", s.APICode2Session)

}

// console registers a console route behind the permission check for action, and records
// the pair for the route × role test; a page (a GET without parameters) also becomes one
// the navigation may show.
func (s *Server) console(g *echo.Group, method, path string, h echo.HandlerFunc, action store.Action) {
	g.Add(method, path, h, s.member(action))
	s.actions[method+" "+path] = action
	if method == http.MethodGet && !strings.Contains(path, ":") {
		s.pages[path] = action
	}
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
