package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"mpconsole/store"
	"mpconsole/web/wxapi"
)

// metrics are the Prometheus series of --metrics (SPEC §19), on a registry of the
// server's own, so that two servers in one process (the tests) count apart. Every label
// takes its values from a bounded set: route patterns, never URLs; the API's endpoints
// and errcodes, anything else being "other".
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	apiCalls *prometheus.CounterVec
	// routes are the "METHOD pattern" pairs of the route table; a request Echo routed to
	// none of them (an unknown path, a method a path does not have) counts as "other".
	routes map[string]bool
}

func newMetrics(st *store.Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mpconsole_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mpconsole_http_request_duration_seconds",
			Help:    "Time from a request's routing to its answer, by method and route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mpconsole_api_calls_total",
			Help: "Calls of the WeChat-compatible API, by endpoint and errcode (0: success).",
		}, []string{"endpoint", "errcode"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.apiCalls, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(st.PoolCollectors()...)
	return m
}

// standardMethods are the methods of RFC 9110: a client may send any token as a method,
// and outside the route table only these keep their name in the method label.
var standardMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true,
	http.MethodDelete: true, http.MethodOptions: true, http.MethodConnect: true, http.MethodTrace: true,
}

// statusLabels are the label values of the statuses 100–599, made once so that counting a
// request does not format a number.
var statusLabels = func() []string {
	out := make([]string, 600)
	for code := 100; code < len(out); code++ {
		out[code] = strconv.Itoa(code)
	}
	return out
}()

func statusLabel(code int) string {
	if code >= 100 && code < len(statusLabels) {
		return statusLabels[code]
	}
	return strconv.Itoa(code)
}

// observeCall is wxapi.Options.Observe.
func (m *metrics) observeCall(endpoint, errcode string) {
	m.apiCalls.WithLabelValues(endpoint, errcode).Inc()
}

// measure counts every request and times it; without --metrics it is no middleware at
// all. An error is answered here (c.Error, as Echo would after the chain) so that the
// status counted is the one sent.
func (s *Server) measure() echo.MiddlewareFunc {
	m := s.metrics
	if m == nil {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := s.store.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			method, route := c.Request().Method, c.Path()
			if !m.routes[method+" "+route] {
				route = wxapi.OtherLabel
				if !standardMethods[method] {
					method = wxapi.OtherLabel
				}
			}
			m.requests.WithLabelValues(method, route, statusLabel(c.Response().Status)).Inc()
			m.latency.WithLabelValues(method, route).Observe(s.store.Now().Sub(start).Seconds())
			return nil
		}
	}
}

// mountMetrics serves GET /metrics when --metrics is on, and notes the route table the
// route label is bounded by; without it /metrics is an unknown page.
func (s *Server) mountMetrics() {
	m := s.metrics
	if m == nil {
		return
	}
	s.echo.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})))
	m.routes = map[string]bool{}
	for _, r := range s.echo.Routes() {
		m.routes[r.Method+" "+r.Path] = true
	}
}

// Healthz is GET /healthz (SPEC §19), for load balancers and orchestrators: 200 while the
// database answers a read, 503 otherwise. No session, no CSRF cookie, no journal.
func (s *Server) Healthz(c echo.Context) error {
	if err := s.store.Ping(c.Request().Context()); err != nil {
		s.log.Warn("health check: the database does not answer", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
