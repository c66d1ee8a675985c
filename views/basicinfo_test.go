package views

import (
	"context"
	"testing"
	"time"

	"mpconsole/store"
)

// Every catalog id that basic info, filing, authentication and the review queue build at
// run time (categories, states, periods, kinds, to-dos, error codes) exists in both
// languages; a missing one would show as its raw id.
func TestBasicInfoCatalog(t *testing.T) {
	var ids []string
	for _, g := range store.CategoryTree {
		ids = append(ids, "category."+g.Key)
		for _, c := range g.Children {
			ids = append(ids, "category."+c.Key)
		}
	}
	for _, s := range []string{store.FilingNone, store.FilingDraft, store.FilingPlatformReview, store.FilingSMSVerification,
		store.FilingAuthorityReview, store.FilingFiled, store.FilingRejected} {
		ids = append(ids, "filing.state."+s, "filing.explain."+s)
	}
	for _, s := range []string{"none", "pending", "approved", "expired", "rejected"} {
		ids = append(ids, "auth.state."+s)
	}
	for _, p := range []string{store.PeriodRelease, store.PeriodYear, store.PeriodMonth, store.PeriodAuthentication} {
		ids = append(ids, "basic.quota."+p)
	}
	for _, s := range []string{store.CategoryApproved, store.CategoryReviewing, store.CategoryRejected} {
		ids = append(ids, "basic.category_state."+s)
	}
	for _, k := range []string{store.ReviewSubject, store.ReviewFiling, store.ReviewAuth, store.ReviewCategory} {
		ids = append(ids, "ops.kind."+k)
	}
	ids = append(ids, "ops.decision.approve", "ops.decision.reject")
	for _, code := range []string{"name_invalid", "name_reserved_word", "name_taken", "name_change_quota", "icon_too_large",
		"icon_format", "icon_change_quota", "intro_invalid", "intro_change_quota", "category_quota", "category_not_allowed",
		"category_invalid", "category_duplicate", "responsible_name_invalid", "id_number_invalid", "phone_invalid",
		"service_content_invalid", "contact_name_invalid", "invoice_title_invalid", "document_required", "document_too_large",
		"document_format", "reason_required", "reason_invalid", "decision_invalid"} {
		ids = append(ids, "error."+code)
	}
	// Every to-do an account can show.
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	states := []store.BasicInfo{
		{Account: store.Account{SubjectVerification: "pending", Subject: store.Subject{Type: "government"}}, Filing: store.Filing{Status: store.FilingNone}, Now: now},
		{Account: store.Account{SubjectVerification: "rejected"}, Filing: store.Filing{Status: store.FilingSMSVerification}, Now: now,
			Categories: []store.AccountCategory{{Status: store.CategoryReviewing}}},
		{Filing: store.Filing{Status: store.FilingRejected}, Auth: store.Authentication{Status: store.AuthPending}, Now: now},
		{Filing: store.Filing{Status: store.FilingPlatformReview}, Account: store.Account{AuthExpiresAt: now.Add(-time.Hour)}, Now: now},
		{Filing: store.Filing{Status: store.FilingFiled}, Account: store.Account{AuthExpiresAt: now.Add(24 * time.Hour)}, Now: now},
	}
	for _, b := range states {
		for _, td := range TodoFor(b) {
			ids = append(ids, td.Label)
		}
	}
	for _, lang := range []string{"zh-CN", "en"} {
		ctx := WithLanguage(context.Background(), lang)
		for _, id := range ids {
			if T(ctx, id) == id {
				t.Errorf("%s: %s is missing", lang, id)
			}
		}
	}
}

// The reminder applies from 90 days before expiry, at the 90, 60, 30 and 7 day marks.
func TestAuthReminder(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		left      time.Duration
		days, thr int
		due       bool
	}{
		{91 * 24 * time.Hour, 91, 0, false},
		{90 * 24 * time.Hour, 90, 90, true},
		{60*24*time.Hour + time.Minute, 61, 90, true},
		{60 * 24 * time.Hour, 60, 60, true},
		{30 * 24 * time.Hour, 30, 30, true},
		{7 * 24 * time.Hour, 7, 7, true},
		{time.Minute, 1, 7, true},
		{0, 0, 0, false},
	} {
		days, thr, due := AuthReminder(store.Account{AuthExpiresAt: now.Add(tc.left)}, now)
		if due != tc.due || (due && (days != tc.days || thr != tc.thr)) {
			t.Errorf("%v left: %d days, threshold %d, due %v; want %d, %d, %v", tc.left, days, thr, due, tc.days, tc.thr, tc.due)
		}
	}
}
