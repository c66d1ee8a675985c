package store

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
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

func TestPoolCollectorsReportBothPools(t *testing.T) {
	f := newFixture(t)
	if err := f.st.Ping(f.ctx); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(f.st.PoolCollectors()...)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "db_name" {
					got[mf.GetName()+" "+l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	if got["go_sql_max_open_connections write"] != 1 || got["go_sql_max_open_connections read"] != 8 {
		t.Errorf("max open connections write, read = %v, %v; want 1, 8",
			got["go_sql_max_open_connections write"], got["go_sql_max_open_connections read"])
	}
	if got["go_sql_open_connections read"] < 1 {
		t.Errorf("read pool open connections after a Ping = %v, want at least 1", got["go_sql_open_connections read"])
	}
}
