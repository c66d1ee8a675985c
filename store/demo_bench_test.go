package store

import (
	"context"
	"path/filepath"
	"testing"
)

// SeedDemo on an empty database: what `serve --demo` adds to start-up (the people's
// passwords are hashed at the tests' minimum bcrypt cost; the real cost adds two hashes).
func BenchmarkSeedDemo(b *testing.B) {
	for i := range b.N {
		b.StopTimer()
		st, err := Open(context.Background(), filepath.Join(b.TempDir(), "demo"+string(rune('a'+i%26))+".db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := st.SeedDemo(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
	}
}
