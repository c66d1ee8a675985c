package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The migrations are numbered 1, 2, 3, … with no gap and no number twice, so goose applies
// them in one line and every branch's next file has an obvious number.
func TestMigrationNumbersContiguous(t *testing.T) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`^migrations/(\d{4})_[a-z0-9_]+\.sql$`)
	var numbers []int
	for _, n := range names {
		m := name.FindStringSubmatch(n)
		if m == nil {
			t.Fatalf("%s is not named NNNN_name.sql", n)
		}
		v, _ := strconv.Atoi(m[1])
		numbers = append(numbers, v)
	}
	slices.Sort(numbers)
	if len(numbers) == 0 || numbers[0] != 1 {
		t.Fatalf("migrations %v do not start at 1", numbers)
	}
	for i := 1; i < len(numbers); i++ {
		if numbers[i] != numbers[i-1]+1 {
			t.Fatalf("migrations %v: %d follows %d", numbers, numbers[i], numbers[i-1])
		}
	}
}

// Every database an earlier main made opens and migrates, keeping its data. The fixtures
// were written by the real code of each commit (its store, or `serve --demo`):
//
//	main-0d2f5ed.db  goose versions {1}         the demo account and its administrator built by the wizard
//	main-8861045.db  {1, 4 credentials}         the same, plus an AppSecret
//	main-ae13a5c.db  {1, 2 basic info, 4}       `serve --demo` (7 people), plus an AppSecret
//	main-396acaf.db  {1, 2, 4, 5 scans}         the same, with scans of every purpose
//
// and each holds a second registration still waiting for activation, with its mail.
func TestOldDatabasesMigrate(t *testing.T) {
	fresh := newFixture(t)
	want := appliedVersions(t, fresh.st.write)
	wantSchema := schema(t, fresh.st.write)
	for _, tc := range []struct {
		file      string
		people    int
		appSecret bool
	}{
		{"main-0d2f5ed.db", 1, false},
		{"main-8861045.db", 1, true},
		{"main-ae13a5c.db", 7, true},
		{"main-396acaf.db", 7, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			for open := range 2 { // the second open finds nothing to do
				st, err := Open(t.Context(), path)
				if err != nil {
					t.Fatalf("open %d: %v", open+1, err)
				}
				if got := appliedVersions(t, st.write); !slices.Equal(got, want) {
					t.Errorf("applied versions %v, want %v as in a new database", got, want)
				}
				if got := schema(t, st.write); !slices.Equal(got, wantSchema) {
					t.Errorf("schema differs from a new database's:\n%v\nwant\n%v", got, wantSchema)
				}
				if open == 0 {
					checkFixtureData(t, st, tc.people, tc.appSecret)
				}
				st.Close()
			}
		})
	}
}

func checkFixtureData(t *testing.T, st *Store, people int, appSecret bool) {
	t.Helper()
	ctx := context.Background()
	a, err := st.CheckAccountPassword(ctx, "demo@example.com", "Demo-pass-1")
	if err != nil {
		t.Fatalf("the demo account does not sign in: %v", err)
	}
	if a.Step != StepDone || len(a.AppID) != 18 || a.Subject.Type != "personal" {
		t.Errorf("demo account %+v, want a finished personal account with an AppID", a)
	}
	admin, err := st.PersonByWechatID(ctx, "demo_admin")
	if err != nil || admin.ID != a.AdminPersonID {
		t.Errorf("demo_admin %+v (%v) is not the administrator %d", admin, err, a.AdminPersonID)
	}
	var n int
	if err := st.read.QueryRowContext(ctx, `SELECT count(*) FROM people`).Scan(&n); err != nil || n != people {
		t.Errorf("%d people (%v), want %d", n, err, people)
	}
	sec, err := st.AppSecretOf(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := sec.State == "active"; got != appSecret {
		t.Errorf("AppSecret state %q, want one: %v", sec.State, appSecret)
	}
	var pending int64
	var step string
	if err := st.read.QueryRowContext(ctx, `SELECT id, step FROM accounts WHERE email = 'pending@example.com'`).Scan(&pending, &step); err != nil || step != StepActivate {
		t.Fatalf("the waiting registration: step %q, %v", step, err)
	}
	// Its mail now belongs to it, so the browser that registered sees it in /mailbox.
	mails, err := st.Mailbox(ctx, []int64{pending}, 10)
	if err != nil || len(mails) != 1 || mails[0].To != "pending@example.com" || !strings.Contains(mails[0].Link, "/register/activate?token=") {
		t.Errorf("mailbox of the waiting registration: %+v, %v", mails, err)
	}
}

func appliedVersions(t *testing.T, db *sql.DB) []int64 {
	t.Helper()
	rows, err := db.Query(`SELECT version_id FROM goose_db_version WHERE is_applied ORDER BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// schema lists every table, index and trigger with its definition.
func schema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s: %s", typ, name, def))
	}
	return out
}
