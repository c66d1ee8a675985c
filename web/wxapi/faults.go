package wxapi

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// FaultTimeoutHold is how long a timeout fault holds the call before it drops the
// connection without an answer (clients give up sooner; the server's write timeout is
// 60 s).
const FaultTimeoutHold = 30 * time.Second

// html502 is what a gateway in front of the real API answers when it fails.
const html502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
	"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// serveWithFaults answers the call through next, unless a fault rule of the calling
// account takes it (store.TakeFault), which e then names. With no rule anywhere it costs
// one atomic read.
func (a *API) serveWithFaults(c echo.Context, next echo.HandlerFunc, raw []byte, e *store.JournalEntry) error {
	if !a.store.FaultsActive() {
		return next(c)
	}
	ctx := c.Request().Context()
	account := a.faultAccount(ctx, c, e.AppID)
	if account == 0 {
		return next(c)
	}
	rule, ok, err := a.store.TakeFault(ctx, account, c.Request().URL.Path, rand.Float64())
	if err != nil || !ok {
		return next(c)
	}
	e.FaultRule = rule.ID
	c.Set(accountKey, account)
	if !sleep(ctx, rule.Latency) {
		return nil
	}
	switch rule.Kind {
	case store.FaultErrcode:
		refusal := store.FaultRefusal(rule)
		c.Set(refusalKey, refusal)
		msg := apiErrmsg(rule.ErrCode, callIP(c))
		if msg == "" {
			msg = apiMessages[apiSystemError]
		}
		return a.failText(c, rule.ErrCode, msg)
	case store.FaultHTML502:
		c.Set(refusalKey, faultNote(rule))
		return c.HTML(http.StatusBadGateway, html502)
	case store.FaultTruncatedJSON:
		c.Set(refusalKey, faultNote(rule))
		return truncated(c, next)
	}
	c.Set(refusalKey, faultNote(rule))
	sleep(ctx, FaultTimeoutHold)
	if conn, _, err := http.NewResponseController(c.Response().Writer).Hijack(); err == nil {
		conn.Close()
	}
	c.Response().Committed = true
	return nil
}

// faultNote is the journal's reason for a broken answer (no errcode to name).
func faultNote(r store.FaultRule) *store.Refusal {
	return &store.Refusal{Reason: store.ReasonFault + "_" + r.Kind, Args: map[string]string{"Rule": strconv.FormatInt(r.ID, 10)}}
}

// truncated runs the real handler and sends the first half of its answer: the work is
// done (a token minted), but the client reads broken JSON.
func truncated(c echo.Context, next echo.HandlerFunc) error {
	w := c.Response().Writer
	buf := &bufferWriter{header: w.Header()}
	c.Response().Writer = buf
	err := next(c)
	c.Response().Writer = w
	if err != nil {
		return err
	}
	body := buf.body.Bytes()
	w.WriteHeader(buf.status)
	_, err = w.Write(body[:len(body)/2])
	return err
}

// bufferWriter holds an answer instead of sending it.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) { b.status = code }

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// sleep waits d unless the client goes away first (false then).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// faultAccount is the account a call is made for, as far as fault rules need it: the
// account of its access token, or of the AppID it names.
func (a *API) faultAccount(ctx context.Context, c echo.Context, appid string) int64 {
	if token := c.QueryParam("access_token"); token != "" {
		id, _ := a.store.CheckAccessToken(ctx, token)
		return id
	}
	if appid == "" {
		return 0
	}
	acc, err := a.store.AccountByAppID(ctx, appid)
	if err != nil {
		return 0
	}
	return acc.ID
}
