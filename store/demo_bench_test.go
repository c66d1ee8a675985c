package store

import (
	"context"
	"path/filepath"
	"testing"
)

// SeedDemo into an empty database: what `serve --demo` adds to its start-up. (The tests
// hash passwords at bcrypt's minimum cost; the real cost adds two hashes.)
func BenchmarkSeedDemo(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		st, err := Open(context.Background(), filepath.Join(b.TempDir(), "demo.db"))
		if err == nil {
			err = st.UseMasterKey(context.Background(), testMasterKey)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := st.SeedDemo(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}
