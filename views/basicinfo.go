package views

import (
	"context"
	"math"
	"strconv"
	"time"

	"mpconsole/store"
)

// The items of /settings/basic: each is a section that htmx swaps on its own.
const (
	ItemName       = "name"
	ItemIcon       = "icon"
	ItemIntro      = "intro"
	ItemCategories = "categories"
)

// BasicForms is the state of the one item that was just posted (its typed values and
// errors, or that it was saved); every other item shows a fresh form.
type BasicForms struct {
	Item  string
	Form  Form
	Saved bool
}

// formFor is the form of item: the posted one, or a fresh one holding current.
func (p BasicForms) formFor(item string, current map[string]string) Form {
	if p.Item == item && !p.Saved {
		return p.Form
	}
	return Form{Values: current}
}

func (p BasicForms) saved(item string) bool { return p.Item == item && p.Saved }

// quotaText explains what is left of a change allowance.
func quotaText(ctx context.Context, q store.Quota) string {
	if q.First {
		return T(ctx, "basic.quota.first")
	}
	return T(ctx, "basic.quota."+q.Period, map[string]any{"N": q.Remaining})
}

func quotaRemaining(q store.Quota) string {
	if q.First {
		return "first"
	}
	return strconv.Itoa(q.Remaining)
}

// AuthState is how the account's WeChat authentication stands at now: approved, pending,
// expired, rejected or none.
func AuthState(a store.Account, latest store.Authentication, now time.Time) string {
	switch {
	case a.Authenticated(now):
		return "approved"
	case latest.Status == store.AuthPending:
		return "pending"
	case !a.AuthExpiresAt.IsZero():
		return "expired"
	case latest.Status == store.AuthRejected:
		return "rejected"
	}
	return "none"
}

// AuthReminderDays are the reminders before an authentication expires (real).
var AuthReminderDays = []int{90, 60, 30, 7}

// AuthReminder says how many days an authentication has left and which reminder applies
// (the smallest of 90, 60, 30, 7 that is not below the days left); ok is false when no
// reminder is due.
func AuthReminder(a store.Account, now time.Time) (daysLeft, threshold int, ok bool) {
	if !a.Authenticated(now) {
		return 0, 0, false
	}
	daysLeft = int(math.Ceil(a.AuthExpiresAt.Sub(now).Hours() / 24))
	for i := len(AuthReminderDays) - 1; i >= 0; i-- {
		if daysLeft <= AuthReminderDays[i] {
			return daysLeft, AuthReminderDays[i], true
		}
	}
	return daysLeft, 0, false
}

// day shows a date on the platform's calendar (China time).
func day(t time.Time) string { return t.In(store.CalendarZone).Format("2006-01-02") }

// stamp shows a moment on the platform's calendar (China time).
func stamp(t time.Time) string { return t.In(store.CalendarZone).Format("2006-01-02 15:04") }

// categoriesUsed counts the categories that take a place in the quota.
func categoriesUsed(cs []store.AccountCategory) int {
	n := 0
	for _, c := range cs {
		if c.Status != store.CategoryRejected {
			n++
		}
	}
	return n
}

// categoryOption is a second-level entry's label with its restrictions.
func categoryOption(ctx context.Context, c store.Category) string {
	s := T(ctx, "category."+c.Key)
	if c.Qualification {
		s += " · " + T(ctx, "basic.category_needs_qualification")
	}
	if c.NotPersonal {
		s += " · " + T(ctx, "basic.category_not_personal")
	}
	return s
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
