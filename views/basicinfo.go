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

// BasicForms is the state of the one item that was opened for editing or just posted (its
// typed values and errors, or that it was saved); every other item shows its read-only row.
type BasicForms struct {
	Item  string
	Form  Form
	Saved bool
}

// formFor is the form of item: the posted one, or a fresh one holding current.
func (p BasicForms) formFor(item string, current map[string]string) Form {
	if p.open(item) && p.Form.Values != nil {
		return p.Form
	}
	return Form{Values: current, Errors: p.Form.Errors}
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

// categoryOption is a second-level entry's label with what it needs, and why it cannot
// be picked (closed: a catalog id, or "").
func categoryOption(ctx context.Context, c store.Category, closed string) string {
	s := T(ctx, "category."+c.Key)
	if c.Qualification {
		s += " · " + T(ctx, "basic.category_needs_qualification")
	}
	if closed != "" {
		s += " — " + T(ctx, closed)
	}
	return s
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// open tells whether item's form is shown: the item was opened for editing or its post
// failed.
func (p BasicForms) open(item string) bool { return p.Item == item && !p.Saved }

// CategoryDeleteConfirm asks before a category is deleted.
func CategoryDeleteConfirm(ctx context.Context, c store.AccountCategory) Confirm {
	return Confirm{
		Title:    T(ctx, "basic.category_delete_title"),
		Question: T(ctx, "basic.category_delete_question", map[string]any{"Name": categoryName(ctx, c.First, c.Second)}),
		Action:   PathCategoryDelete(c.ID), Target: "#basic-categories", Swap: "outerHTML",
		Button: "basic.delete", Back: PathBasic, TestID: "category-delete",
	}
}

// categoryName is "first › second" in the page's language.
func categoryName(ctx context.Context, first, second string) string {
	return T(ctx, "category."+first) + " › " + T(ctx, "category."+second)
}

// categoryGroup is the first-level entry of key.
func categoryGroup(key string) (store.CategoryGroup, bool) {
	for _, g := range store.CategoryTree {
		if g.Key == key {
			return g, true
		}
	}
	return store.CategoryGroup{}, false
}

// categoryClosed is why the account cannot add c (a catalog id), or "".
func categoryClosed(b store.BasicInfo, c store.Category) string {
	for _, have := range b.Categories {
		if have.Second == c.Key && have.Status != store.CategoryRejected {
			return "basic.category_added"
		}
	}
	if c.NotPersonal && b.Account.Subject.Personal() {
		return "basic.category_not_personal"
	}
	return ""
}

// categoryAnyOpen tells whether the account can add any second level of g.
func categoryAnyOpen(b store.BasicInfo, g store.CategoryGroup) bool {
	for _, c := range g.Children {
		if categoryClosed(b, c) == "" {
			return true
		}
	}
	return false
}

// or is a when it is set, else b.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
