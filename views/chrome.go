package views

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"mpconsole/store"
)

// Chrome is what every page's frame needs about the request: the CSRF token, who is
// signed in where, and a flash message. The web layer fills it once per request.
type Chrome struct {
	CSRF     string
	Access   *store.Access // the console session, when signed in to an account
	WxPerson *store.Person // the simulated WeChat session
	Flash    string
	Path     string
	Mailbox  bool // the sandbox mailbox is on (no SMTP configured)
}

type chromeKey struct{}

// WithChrome stores c in ctx for the components.
func WithChrome(ctx context.Context, c *Chrome) context.Context {
	return context.WithValue(ctx, chromeKey{}, c)
}

func chrome(ctx context.Context) *Chrome {
	if c, ok := ctx.Value(chromeKey{}).(*Chrome); ok {
		return c
	}
	return &Chrome{}
}

// Can tells whether the console user may perform a; the nav and buttons ask it, the
// server enforces the same matrix on every request.
func Can(ctx context.Context, a store.Action) bool {
	c := chrome(ctx)
	return c.Access != nil && c.Access.Roles.Can(a)
}

// Form is the view model of any form: what was typed, and an error code per field
// ("" holds a page-level error).
type Form struct {
	Values map[string]string
	Errors map[string]string
}

// V is the typed value of a field.
func (f Form) V(name string) string { return f.Values[name] }

// Err is the error code of a field, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

func ariaInvalid(f Form, name string) string {
	if f.Err(name) != "" {
		return "true"
	}
	return "false"
}

// NavItem is one link of the console's left navigation.
type NavItem struct {
	Path   string
	Label  string // catalog id
	Action store.Action
}

// Nav lists the console sections; a link shows only to roles that may use it.
var Nav = []NavItem{
	{PathHome, "nav.home", store.ActView},
	{PathBasic, "nav.basic", store.ActView},
	{PathMembers, "nav.members", store.ActManageExperience},
	{PathDevSettings, "nav.dev", store.ActViewDev},
	{PathPassword, "nav.password", store.ActAccount},
	{PathSessions, "nav.sessions", store.ActView},
}

func csrfHeader(ctx context.Context) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": chrome(ctx).CSRF})
	return string(b)
}

func accountLabel(ctx context.Context, a store.Account) string {
	if a.Name != "" {
		return a.Name
	}
	return a.AppID
}

// MaskID shows an ID number as the real platform does: the first 3 and last 4 characters.
func MaskID(id string) string {
	if len(id) < 8 {
		return id
	}
	return id[:3] + strings.Repeat("*", len(id)-7) + id[len(id)-4:]
}

// ChromeOf is the request's chrome, for the web layer to fill in.
func ChromeOf(ctx context.Context) *Chrome { return chrome(ctx) }

// deliveryText says in words where a mail's delivery stands.
func deliveryText(ctx context.Context, m store.Mail, now time.Time) string {
	return T(ctx, "mailbox.delivery."+m.Delivery(now), map[string]any{
		"Attempts": m.Attempts, "Error": m.LastError,
		"Sent": m.SentAt.Local().Format("2006-01-02 15:04:05"), "Next": m.NextAttemptAt.Local().Format("2006-01-02 15:04:05"),
	})
}
