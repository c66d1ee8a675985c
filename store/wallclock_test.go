package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// wallClockUsers are the functions of the store that may read the wall clock (s.now(),
// s.Now(), time.Now) instead of an account's clock (s.nowFor, SPEC §18), each with why.
// Everything else that learns the time is a rule of an account and must go through nowFor.
var wallClockUsers = map[string]string{
	"Store.now":                  "the wall clock itself (Now in UTC)",
	"Store.nowFor":               "the account's clock: the wall clock plus its offset",
	"Store.setClock":             "stamps when a clock was moved, in real time",
	"Open":                       "the access-token count starts at the start's time, so a later start counts on",
	"Store.ClockToNextMidnight":  "computes the offset from the wall clock to the account's next midnight",
	"Store.Register":             "a registration has no account clock yet (the sandbox opens after it)",
	"Store.newActivation":        "activation links of a registration, before the account has a console",
	"Store.ResendActivation":     "activation links of a registration, before the account has a console",
	"Store.Activate":             "activation links of a registration, before the account has a console",
	"Store.pruneRegistrations":   "abandoned registrations of every account, before any has a console",
	"Store.checkIDQuota":         "the per-ID-number registration quota spans every account",
	"Store.CheckAccountPassword": "the console login's lockout is per email, not per account",
	"Store.checkLogin":           "login lockout is per identity, not per account",
	"Store.lockedOut":            "login lockout is per identity, not per account",
	"Store.CreateSession":        "browser sessions are the server's, not an account's",
	"Store.LoadSession":          "browser sessions are the server's, not an account's",
	"Store.UpdateSession":        "browser sessions are the server's, not an account's",
	"Store.putOneTime":           "a one-time value is a security window of the browser, not an account rule",
	"Store.TakeOneTime":          "a one-time value is a security window of the browser, not an account rule",
	"Store.CreatePerson":         "simulator people belong to no account",
	"Store.AddRegistryEmail":     "the email registry spans every account",
	"Store.ImportRegistry":       "the email registry spans every account",
	"Store.queueMail":            "the mail outbox is the server's",
	"Store.DueMail":              "the mail outbox is the server's",
	"Store.MarkMailSent":         "the mail outbox is the server's",
	"Store.MailFailed":           "the mail outbox is the server's",
	"Store.PruneMail":            "the mail outbox is the server's",
	"Store.JournalEntryOf":       "the request journal logs real requests and is kept 7 real days",
	"Store.CheckSandboxToken":    "notes a bearer token's last use before its account is known (tokens never expire)",
	"Store.savePackage":          "code packages are shared by content hash between accounts",
	"Store.SeedDemo":             "seeds the demo's history on a store copy whose clock is set to each past day",
	"Store.demoPeopleTx":         "seeds the demo's history on a store copy whose clock is set to each past day",
	"Store.demoMembersTx":        "seeds the demo's history on a store copy whose clock is set to each past day",
	"Store.seedDemoVersions":     "seeds the demo's history on a store copy whose clock is set to each past day",
	"Store.demoReview":           "seeds the demo's history on a store copy whose clock is set to each past day",
	"Store.SeedBig":              "a benchmark seed of fresh accounts, whose clocks are not moved",
	"Store.SeedLoad":             "the load tool's seed of a fresh account, whose clock is not moved",
}

// No rule of an account reads the wall clock directly: every function of the package that
// calls s.now(), s.Now() or time.Now is in wallClockUsers, and every entry there still does.
// A new rule calling s.now() fails here until it uses s.nowFor(accountID) or is allowlisted
// with its reason.
func TestOnlyAllowlistedFunctionsReadTheWallClock(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var found []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !readsWallClock(fn.Body) {
				continue
			}
			found = append(found, funcName(fn))
		}
	}
	slices.Sort(found)
	for _, name := range found {
		if _, ok := wallClockUsers[name]; !ok {
			t.Errorf("%s reads the wall clock: use s.nowFor(accountID), or add it to wallClockUsers with the reason", name)
		}
	}
	for name := range wallClockUsers {
		if !slices.Contains(found, name) {
			t.Errorf("wallClockUsers lists %s, which no longer reads the wall clock: remove it", name)
		}
	}
}

// readsWallClock reports whether body calls X.now(), X.Now() or time.Now().
func readsWallClock(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "now" || sel.Sel.Name == "Now") {
			found = true
		}
		return !found
	})
	return found
}

// funcName is Recv.Name for a method, Name for a function.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}

// The detector itself sees the calls the allowlist is about and not the account's clock.
func TestReadsWallClockDetector(t *testing.T) {
	for src, want := range map[string]bool{
		`s.now()`:                      true,
		`s.Now()`:                      true,
		`time.Now()`:                   true,
		`s.nowFor(1)`:                  false,
		`f := func() { s.now() }; f()`: true,
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package x\nfunc f() {"+src+"}", 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := readsWallClock(f.Decls[0].(*ast.FuncDecl).Body); got != want {
			t.Errorf("readsWallClock(%q) = %v, want %v", src, got, want)
		}
	}
}
