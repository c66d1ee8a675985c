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
	// Pages are the console pages that exist (their GET route is registered), each with
	// the matrix row that guards it: the navigation shows a page only when it exists and
	// the signed-in roles may open it.
	Pages map[string]store.Action
	// AccountIcon is the validator of the signed-in account's uploaded icon ("" draws one).
	AccountIcon string
	// OneTime marks a page that shows a one-time value: its language switch must not
	// reload it (SPEC §10, the AppSecret).
	OneTime bool
	Clock   *ClockView // the account's moved sandbox clock, for the banner; nil when not moved
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
		"Sent": stamp(m.SentAt), "Next": stamp(m.NextAttemptAt),
	})
}
