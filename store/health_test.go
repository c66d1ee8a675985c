package store

import (
	"context"
	"testing"
)

func TestPingAnswersWhileOpenAndFailsOnceClosed(t *testing.T) {
	st, err := openTestStore(t, "ping.db")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(context.Background()); err != nil {
		t.Fatalf("open store: Ping = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.Ping(ctx); err == nil {
		t.Error("Ping with an ended context = nil, want an error")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(context.Background()); err == nil {
		t.Error("closed store: Ping = nil, want an error")
	}
}

func TestPoolsReportBothPools(t *testing.T) {
	f := newFixture(t)
	if err := f.st.Ping(f.ctx); err != nil {
		t.Fatal(err)
	}
	write, read := f.st.Pools()
	if got := write.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("write pool MaxOpenConnections = %d, want 1", got)
	}
	if got := read.Stats().MaxOpenConnections; got != 8 {
		t.Errorf("read pool MaxOpenConnections = %d, want 8", got)
	}
	if got := read.Stats().OpenConnections; got < 1 {
		t.Errorf("read pool OpenConnections after a Ping = %d, want at least 1", got)
	}
}
