package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"mpconsole/store"
)

// Tests of SPEC §19's first bullet: GET /healthz and --metrics.

func TestHealthzAnswersOKWithoutSessionOrCookie(t *testing.T) {
	e := newEnv(t)
	before := e.query(`SELECT count(*) FROM sessions`)
	res, err := http.Get(e.http.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Fatalf("GET /healthz = %d %q, want 200 {\"status\":\"ok\"}", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if c := res.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("GET /healthz set cookies %q, want none (no session, no CSRF)", c)
	}
	e.st.FlushJournal()
	if after := e.query(`SELECT count(*) FROM sessions`); after != before {
		t.Errorf("sessions rows %d → %d after GET /healthz, want no new row", before, after)
	}
	if n := e.query(`SELECT count(*) FROM api_journal WHERE endpoint = '/healthz'`); n != 0 {
		t.Errorf("GET /healthz is in the request journal %d times, want 0", n)
	}
}

func TestHealthzAnswers503WhenTheDatabaseDoesNot(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "closed.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := New(st, testMasterKey, Options{})
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable || strings.TrimSpace(rec.Body.String()) != `{"status":"unavailable"}` {
		t.Fatalf("GET /healthz on a closed store = %d %q, want 503 {\"status\":\"unavailable\"}", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
}

func TestMetricsOffIsAnUnknownPage(t *testing.T) {
	e := newEnv(t)
	r := e.client().get("/metrics")
	if r.status != http.StatusNotFound {
		t.Fatalf("GET /metrics without --metrics = %d, want 404", r.status)
	}
}

func TestMetricsCountRequestsAPICallsAndPools(t *testing.T) {
	e := newEnvWith(t, Options{Metrics: true})
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	e.appSecret(a, admin)
	c := e.client()
	if r := c.get("/login"); r.status != http.StatusOK {
		t.Fatalf("GET /login = %d", r.status)
	}
	c.get("/wx/scan/secret-scan-token-1234")
	if r := c.get("/no/such/page"); r.status != http.StatusNotFound {
		t.Fatalf("GET /no/such/page = %d, want 404", r.status)
	}
	if r := e.call(t, "BREW-COFFEE", "/login", "", ""); r.Status != http.StatusMethodNotAllowed {
		t.Fatalf("BREW-COFFEE /login = %d, want 405", r.Status)
	}
	e.call(t, "GET", tokenURL(a.AppID, "0123456789abcdef0123456789abcdef"), "", "").wantErrcode(t, 40125, "invalid appsecret")
	e.call(t, "GET", tokenURL(a.AppID, "0123456789abcdef0123456789abcdef"), "", "").wantErrcode(t, 40125, "invalid appsecret")
	if r := e.call(t, "GET", "/cgi-bin/no_such_api?access_token=x", "", ""); r.Status != http.StatusNotFound {
		t.Fatalf("unknown API path = %d, want 404", r.Status)
	}
	e.st.FlushJournal() // the API's counter is fed by the journal's writer

	raw := c.get("/metrics")
	if raw.status != http.StatusOK {
		t.Fatalf("GET /metrics = %d, want 200", raw.status)
	}
	if strings.Contains(raw.body, "secret-scan-token-1234") || strings.Contains(raw.body, "no_such") ||
		strings.Contains(raw.body, "BREW") {
		t.Error("a URL's own path or a client's method is in the metrics; only route patterns and known methods may be")
	}
	fams := parseMetrics(t, raw.body)
	requests := func(method, route, status string) float64 {
		return seriesValue(fams, "mpconsole_http_requests_total", map[string]string{"method": method, "route": route, "status": status})
	}
	if n := requests("GET", "/login", "200"); n != 1 {
		t.Errorf("requests GET /login 200 = %v, want 1", n)
	}
	if n := requests("GET", "/cgi-bin/token", "200"); n != 2 {
		t.Errorf("requests GET /cgi-bin/token 200 = %v, want 2", n)
	}
	if n := requests("GET", "other", "404"); n != 2 {
		t.Errorf("requests GET other 404 = %v, want 2 (/no/such/page and the unknown API path)", n)
	}
	if n := requests("other", "other", "405"); n != 1 {
		t.Errorf("requests of an unknown method = %v, want 1 under method and route \"other\"", n)
	}
	if !hasSeries(fams, "mpconsole_http_requests_total", map[string]string{"route": "/wx/scan/:token"}) {
		t.Error("no request series for the route /wx/scan/:token")
	}
	h := metricSeries(fams, "mpconsole_http_request_duration_seconds", map[string]string{"method": "GET", "route": "/login"})
	if h == nil || h.GetHistogram().GetSampleCount() != 1 || len(h.GetHistogram().GetBucket()) == 0 {
		t.Errorf("latency histogram of GET /login = %v, want 1 sample in buckets", h)
	}
	calls := func(endpoint, errcode string) float64 {
		return seriesValue(fams, "mpconsole_api_calls_total", map[string]string{"endpoint": endpoint, "errcode": errcode})
	}
	if n := calls("/cgi-bin/token", "40125"); n != 2 {
		t.Errorf("API calls /cgi-bin/token 40125 = %v, want 2", n)
	}
	if n := calls("other", "40066"); n != 1 {
		t.Errorf("API calls other 40066 = %v, want 1", n)
	}
	for _, pool := range []string{"write", "read"} {
		if !hasSeries(fams, "go_sql_open_connections", map[string]string{"db_name": pool}) {
			t.Errorf("no go_sql_open_connections of the %s pool", pool)
		}
	}
	if n := seriesValue(fams, "go_sql_max_open_connections", map[string]string{"db_name": "write"}); n != 1 {
		t.Errorf("go_sql_max_open_connections of the write pool = %v, want 1", n)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("no %s: the Go runtime and process collectors are missing", name)
		}
	}
}

func parseMetrics(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the metrics do not parse: %v", err)
	}
	return fams
}

// metricSeries is the series of family name whose labels include want, or nil.
func metricSeries(fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	for _, m := range fams[name].GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			match = match && got[k] == v
		}
		if match {
			return m
		}
	}
	return nil
}

func hasSeries(fams map[string]*dto.MetricFamily, name string, want map[string]string) bool {
	return metricSeries(fams, name, want) != nil
}

// seriesValue is a counter's or a gauge's value, 0 for no series.
func seriesValue(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	m := metricSeries(fams, name, want)
	if m.GetCounter() != nil {
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}
