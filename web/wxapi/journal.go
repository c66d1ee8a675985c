package wxapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// refusalKey is where failWith leaves a store refusal's reason for the journal.
const refusalKey = "wxapi.refusal"

// journalBodyMax is how much of a request or an answer the journal keeps.
const journalBodyMax = 4096

// maskedKeys are the parameters and JSON fields whose values the journal shows only by
// their last 4 characters: secrets, tokens, keys and codes (SPEC §18).
var maskedKeys = map[string]bool{
	"secret": true, "appsecret": true, "access_token": true, "js_code": true, "code": true,
	"session_key": true, "refresh_token": true,
}

// mask keeps the last 4 characters of a secret value.
func mask(v string) string {
	if len(v) <= 4 {
		return strings.Repeat("*", len(v))
	}
	return "****" + v[len(v)-4:]
}

// maskQuery is a query string with the secret values masked, as rid/get's request_url.
func maskQuery(raw string) string {
	var sb strings.Builder
	sb.Grow(len(raw))
	for i, p := range strings.Split(raw, "&") {
		if i > 0 {
			sb.WriteByte('&')
		}
		if k, v, ok := strings.Cut(p, "="); ok && maskedKeys[strings.ToLower(k)] {
			sb.WriteString(k)
			sb.WriteByte('=')
			sb.WriteString(mask(v))
		} else {
			sb.WriteString(p)
		}
	}
	return sb.String()
}

// clip keeps the first journalBodyMax bytes.
func clip(s string) string {
	if len(s) > journalBodyMax {
		return s[:journalBodyMax] + "…"
	}
	return s
}

// recorder passes an answer on while keeping its status and first bytes for the journal.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if room := journalBodyMax + 1 - r.body.Len(); room > 0 {
		r.body.Write(b[:min(len(b), room)])
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Journal is the middleware of the WeChat-compatible surfaces (mounted on the server, it
// passes other paths by, and the CI upload, whose multipart body holds a package and the
// upload key and which has no rid): each call gets its rid, fault rules are applied (faults.go), and one entry of
// the request journal is queued after the answer (store.Journal batches the writes, so the
// call does not wait for the database). Masking and reading the errcode are left to the
// journal's writer (JournalEntry.Finish), off the call's path: the unmasked request and
// answer stay in memory until then (at most store.JournalFlushEvery), never on disk.
func (a *API) Journal(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !Owns(req.URL.Path) || isCI(req.URL.Path) {
			return next(c)
		}
		start := a.store.Now()
		rid := a.rid(c)
		var raw []byte
		if req.Body != nil && req.Method != http.MethodGet {
			var err error
			if raw, err = io.ReadAll(req.Body); err != nil {
				return err
			}
			req.Body = io.NopCloser(bytes.NewReader(raw))
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		e := store.JournalEntry{Rid: rid, At: start, Method: req.Method, Endpoint: req.URL.Path, ClientIP: callIP(c).String()}
		if c.QueryParam("access_token") == "" {
			e.AppID = callAppID(c, raw)
		}
		err := a.serveWithFaults(c, next, raw, &e)
		if err != nil {
			c.Error(err)
		}
		e.CostMS = a.store.Now().Sub(start).Milliseconds()
		e.Status = rec.status
		query, ct, size := req.URL.RawQuery, c.Response().Header().Get(echo.HeaderContentType), c.Response().Size
		e.Finish = func(e *store.JournalEntry) {
			e.RequestURL, e.RequestBody = maskQuery(query), clip(maskJSON(raw))
			e.ResponseBody, e.ErrCode = answerText(ct, size, rec.body.Bytes())
			a.observe(e)
		}
		e.AccountID = AccountID(c)
		if e.AccountID != 0 {
			e.ClockOffset = a.store.ClockOffset(e.AccountID)
		}
		if refusal := journalReason(c); refusal != nil {
			e.Reason, e.ReasonArgs = refusal.Reason, refusal.Args
		}
		a.store.Journal(e)
		return nil
	}
}

// callAppID is the AppID a call names in its query or JSON body, if any.
func callAppID(c echo.Context, raw []byte) string {
	if id := c.QueryParam("appid"); id != "" {
		return id
	}
	var in struct {
		AppID string `json:"appid"`
	}
	json.Unmarshal(bytes.TrimSpace(raw), &in)
	return in.AppID
}

// answerText is the answer as the journal keeps it, and its errcode: JSON masked, an
// image by its content type and size; the errcode is 0 for a success or a body that is
// not JSON.
func answerText(ct string, size int64, body []byte) (string, int) {
	if strings.HasPrefix(ct, "image/") {
		return fmt.Sprintf("(%s, %d bytes)", ct, size), 0
	}
	out, code := maskBody(body)
	return clip(out), code
}
