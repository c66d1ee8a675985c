package store

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"
)

// Every subject type of the real platform is accepted, and moves the wizard to the
// administrator step; the organisation fields are dropped for a personal subject.
func TestSaveSubjectAllTypes(t *testing.T) {
	f := newFixture(t)
	if len(SubjectTypes) != 6 {
		t.Fatalf("SubjectTypes = %v, want the six of the real platform", SubjectTypes)
	}
	for _, typ := range SubjectTypes {
		t.Run(typ, func(t *testing.T) {
			admin := f.person("admin_" + typ[:3])
			id := f.activated(typ + "@example.com")
			sub := subjectOf(admin, typ)
			if typ == "personal" {
				sub.OrgName, sub.CreditCode = "ignored org", "ignored"
			}
			if err := f.st.SaveSubject(f.ctx, id, sub); err != nil {
				t.Fatal(err)
			}
			a, _ := f.st.AccountByID(f.ctx, id)
			if a.Step != StepAdmin || a.Subject.Type != typ || a.Subject.AdminIDNumber != admin.IDNumber {
				t.Fatalf("stored %+v at %q", a.Subject, a.Step)
			}
			if typ == "personal" && (a.Subject.OrgName != "" || a.Subject.CreditCode != "") {
				t.Fatalf("a personal subject kept organisation data: %+v", a.Subject)
			}
			if typ != "personal" && a.Subject.CreditCode != creditCode() {
				t.Fatalf("credit code %q", a.Subject.CreditCode)
			}
		})
	}
}

func TestSaveSubjectRules(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	id := f.activated("owner@example.com")
	badID := wrongCheck(admin.IDNumber)
	for _, tc := range []struct {
		name        string
		typ         string
		edit        func(s *Subject)
		field, code string
	}{
		{"unknown type", "personal", func(s *Subject) { s.Type = "club" }, "subject_type", "subject_type_invalid"},
		{"wrong check digit", "personal", func(s *Subject) { s.AdminIDNumber = badID }, "admin_id_number", "id_number_invalid"},
		{"short id", "personal", func(s *Subject) { s.AdminIDNumber = "1101051990" }, "admin_id_number", "id_number_invalid"},
		{"phone too short", "personal", func(s *Subject) { s.AdminPhone = "1380013800" }, "admin_phone", "phone_invalid"},
		{"phone 12x", "personal", func(s *Subject) { s.AdminPhone = "12800138000" }, "admin_phone", "phone_invalid"},
		{"phone with dash", "personal", func(s *Subject) { s.AdminPhone = "138-0013-800" }, "admin_phone", "phone_invalid"},
		{"no admin name", "personal", func(s *Subject) { s.AdminName = " " }, "admin_name", "admin_name_invalid"},
		{"enterprise bad code", "enterprise", func(s *Subject) { s.CreditCode = "91350100M000100Y40" }, "credit_code", "credit_code_invalid"},
		{"enterprise no code", "enterprise", func(s *Subject) { s.CreditCode = "" }, "credit_code", "credit_code_invalid"},
		{"government bad code", "government", func(s *Subject) { s.CreditCode = "ABC" }, "credit_code", "credit_code_invalid"},
		{"media no org", "media", func(s *Subject) { s.OrgName = "" }, "org_name", "org_name_invalid"},
		{"other no org", "other", func(s *Subject) { s.OrgName = "x" }, "org_name", "org_name_invalid"},
		{"business bad code", "individual_business", func(s *Subject) { s.CreditCode = creditCode()[:17] + "0" }, "credit_code", "credit_code_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := subjectOf(admin, tc.typ)
			tc.edit(&sub)
			wantCode(t, f.st.SaveSubject(f.ctx, id, sub), tc.field, tc.code)
			if a, _ := f.st.AccountByID(f.ctx, id); a.Step != StepSubject || a.Subject.Type != "" {
				t.Fatalf("a refused subject was stored: %+v at %q", a.Subject, a.Step)
			}
		})
	}
	// A personal subject needs no credit code; a lower-case x and a pasted
	// lower-case credit code are stored in canonical form.
	sub := subjectOf(admin, "enterprise")
	sub.CreditCode = " " + toLower(sub.CreditCode) + " "
	if err := f.st.SaveSubject(f.ctx, id, sub); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.st.AccountByID(f.ctx, id); a.Subject.CreditCode != creditCode() {
		t.Fatalf("credit code stored as %q", a.Subject.CreditCode)
	}
}

// wrongCheck is id with another check character: a typo the check digit must catch.
func wrongCheck(id string) string {
	if id[17] == '0' {
		return id[:17] + "1"
	}
	return id[:17] + "0"
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// The subject can be saved only at its step (or again before the administrator is bound).
func TestSaveSubjectWrongStep(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	waiting := f.register("waiting@example.com")
	if err := f.st.SaveSubject(f.ctx, waiting, subjectOf(admin, "personal")); !errors.Is(err, ErrConflict) {
		t.Fatalf("before activation: %v, want ErrConflict", err)
	}
	id := f.atAdmin("again@example.com", admin, "personal")
	if err := f.st.SaveSubject(f.ctx, id, subjectOf(admin, "enterprise")); err != nil {
		t.Fatalf("editing at the admin step: %v", err)
	}
	done := f.account("done@example.com", admin, "personal")
	if err := f.st.SaveSubject(f.ctx, done.ID, subjectOf(admin, "enterprise")); !errors.Is(err, ErrConflict) {
		t.Fatalf("after the wizard: %v, want ErrConflict", err)
	}
	if err := f.st.SaveSubject(f.ctx, 999, subjectOf(admin, "personal")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown account: %v, want ErrNotFound", err)
	}
}

var (
	appIDPattern    = regexp.MustCompile(`^wx[0-9a-f]{16}$`)
	originalPattern = regexp.MustCompile(`^gh_[0-9a-f]{12}$`)
)

// Confirming gives the account its IDs, in the right shape and unique; a personal subject
// needs no verification, every other one waits for ops.
func TestConfirmRegistration(t *testing.T) {
	f := newFixture(t)
	appids, originals := map[string]bool{}, map[string]bool{}
	for i, typ := range slices.Concat(SubjectTypes, SubjectTypes) {
		admin := f.person(fmt.Sprintf("admin_%02d", i))
		a := f.account(fmt.Sprintf("owner%d@example.com", i), admin, typ)
		if !appIDPattern.MatchString(a.AppID) || !originalPattern.MatchString(a.OriginalID) {
			t.Fatalf("AppID %q, original ID %q", a.AppID, a.OriginalID)
		}
		if appids[a.AppID] || originals[a.OriginalID] {
			t.Fatalf("IDs repeat: %q %q", a.AppID, a.OriginalID)
		}
		appids[a.AppID], originals[a.OriginalID] = true, true
		want := "pending"
		if typ == "personal" {
			want = "none"
		}
		if a.Step != StepDone || a.SubjectVerification != want || a.AdminPersonID != admin.ID || a.RegisteredAt.IsZero() {
			t.Fatalf("%s: step %q, verification %q (want %q), admin %d", typ, a.Step, a.SubjectVerification, want, a.AdminPersonID)
		}
		if got, err := f.st.AccountByAppID(f.ctx, a.AppID); err != nil || got.ID != a.ID {
			t.Fatalf("AccountByAppID: %v", err)
		}
		log, _ := f.st.OpLog(f.ctx, a.ID, 10, 0)
		if len(log) != 1 || log[0].Action != "registered" || log[0].PersonID != admin.ID {
			t.Fatalf("operation log %+v", log)
		}
	}
}

// The IDs are given once: confirming again, or before the administrator is bound, is a conflict.
func TestConfirmRegistrationOnce(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	a := f.account("owner@example.com", admin, "personal")
	if _, err := f.st.ConfirmRegistration(f.ctx, a.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("second confirm: %v", err)
	}
	again, _ := f.st.AccountByID(f.ctx, a.ID)
	if again.AppID != a.AppID || again.OriginalID != a.OriginalID {
		t.Fatal("the IDs changed")
	}
	early := f.atAdmin("early@example.com", admin, "personal")
	if _, err := f.st.ConfirmRegistration(f.ctx, early); !errors.Is(err, ErrConflict) {
		t.Fatalf("confirm before the administrator: %v", err)
	}
}

// Many accounts, many IDs: all unique (the columns are UNIQUE too, so a clash would fail).
func TestAppIDsUnique(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	var admin Person
	for i := 0; i < 60; i++ {
		if i%AccountsPerIDNumber == 0 {
			admin = f.person(fmt.Sprintf("admin_%02d", i))
		}
		a := f.account(fmt.Sprintf("o%d@example.com", i), admin, "personal")
		if seen[a.AppID] || seen[a.OriginalID] {
			t.Fatalf("repeated ID after %d accounts", i)
		}
		seen[a.AppID], seen[a.OriginalID] = true, true
	}
}
