package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkJournalWrite is the journal writer's cost per entry: b.N token-call entries
// queued and written in batches, as the writer does between two ticks.
func BenchmarkJournalWrite(b *testing.B) {
	st, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	base := JournalEntry{At: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), Method: "GET", Endpoint: "/cgi-bin/token",
		ClientIP: "127.0.0.1", Status: 200, RequestURL: "grant_type=client_credential&appid=wx0123456789abcdef&secret=****abcd"}
	base.ResponseBody = `{"access_token":"****wxyz","expires_in":7200}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		x := base
		x.Rid = fmt.Sprintf("%08x-bench-%08d", i, i)
		st.Journal(x)
		if (i+1)%JournalBatch == 0 {
			st.FlushJournal()
		}
	}
	st.FlushJournal()
}
