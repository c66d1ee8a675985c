package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"mpconsole/store"
)

// BenchmarkMembersPage is GET /members of the load tool's account (store.SeedLoad: 15
// project and 15 experience members, the 30 rows of issue 9), signed in as its
// administrator, who sees every row's actions. In-process and over loopback, as the API
// benchmarks.
func BenchmarkMembersPage(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	l, err := st.SeedLoad(ctx)
	if err != nil {
		b.Fatal(err)
	}
	admin, err := st.PersonByWechatID(ctx, l.AdminWechatID)
	if err != nil {
		b.Fatal(err)
	}
	srv := New(st, testMasterKey, Options{})
	rec := httptest.NewRecorder()
	sess, _ := srv.sessions.New(httptest.NewRequest("GET", "/", nil), consoleSession)
	sess.Values[keyAccount], sess.Values[keyPerson] = l.AccountID, admin.ID
	if err := sess.Save(httptest.NewRequest("GET", "/", nil), rec); err != nil {
		b.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	get := func(int) *http.Request {
		r := httptest.NewRequest("GET", "/members", nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		return r
	}
	probe := httptest.NewRecorder()
	srv.ServeHTTP(probe, get(0))
	if rows := strings.Count(probe.Body.String(), `data-testid="member-row"`); probe.Code != http.StatusOK || rows != 30 {
		b.Fatalf("members page: status %d, %d rows, want 200 and 30", probe.Code, rows)
	}
	benchModes(b, func(b *testing.B, overHTTP bool) { serve(b, srv, overHTTP, get, nil) })
}
