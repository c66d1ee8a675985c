package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// admission lets the console's pages (the HTML GET routes) run first come, first served, at
// most one per CPU at a time, each until it starts writing its answer. Left to Go's
// scheduler, 32 members pages at once on 2 cores finished in a scattered order (p99 four
// times the median); admitted in order they finish in about the order they came, which
// takes a third off the p99 (BENCHMARKS.md, "Pages in order"). Form posts are not admitted:
// they wait for the group commit, and holding a CPU's turn through that wait would
// serialize them. A page gives its turn up at its first write, so a slow reader of a long
// answer holds no one up.
type admission chan struct{}

func newAdmission(n int) admission { return make(admission, n) }

func (a admission) admit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		select {
		case a <- struct{}{}:
		case <-c.Request().Context().Done():
			return c.NoContent(http.StatusServiceUnavailable) // the browser left while it waited
		}
		res := c.Response()
		w := &admittedWriter{ResponseWriter: res.Writer, turns: a, held: true}
		res.Writer = w
		defer func() {
			res.Writer = w.ResponseWriter
			w.release()
		}()
		return next(c)
	}
}

// admittedWriter gives the page's turn up when the answer starts.
type admittedWriter struct {
	http.ResponseWriter
	turns admission
	held  bool
}

func (w *admittedWriter) release() {
	if w.held {
		w.held = false
		<-w.turns
	}
}

func (w *admittedWriter) WriteHeader(code int) {
	w.release()
	w.ResponseWriter.WriteHeader(code)
}

func (w *admittedWriter) Write(b []byte) (int, error) {
	w.release()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (Echo's Flush and Hijack) reach the connection.
func (w *admittedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
