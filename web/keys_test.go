package web

import (
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"mpconsole/store"
)

// A copy of the database (a backup, a stolen file) served with another master key opens
// no session of the original server and verifies no AppSecret: the session cookies are
// signed, and the data keys wrapped, with keys derived from the master key, which is not in
// the database.
func TestDatabaseCopyWithoutTheKey(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	secret := e.appSecret(a, admin)
	c := e.console(a, admin)
	wantStatus(t, c.get("/home"), 200)

	path := filepath.Join(t.TempDir(), "copy.db")
	if err := e.st.Backup(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	other := []byte("someone-elses-master-key-0123456789abcdef")
	if err := cp.UseMasterKey(t.Context(), other); !errors.Is(err, store.ErrWrongMasterKey) {
		t.Fatalf("the copy with another key: %v, want ErrWrongMasterKey", err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	defer ts.Close()
	ts.Config.Handler = New(cp, other, Options{BaseURL: ts.URL})
	thief := &env{t: t, srv: ts.Config.Handler.(*Server), st: cp, clock: e.clock, http: ts}

	if r := thief.replay(c.cookies()).get("/home"); r.location() != "/login" {
		t.Fatalf("the original cookie on the copy: %d → %q, want → /login", r.status, r.location())
	}
	if r := thief.apiGet(t, tokenURL(a.AppID, secret)); r.AccessToken != "" || r.ErrCode == 0 {
		t.Fatalf("the copy verified the AppSecret: %s", r.Raw)
	}
}
