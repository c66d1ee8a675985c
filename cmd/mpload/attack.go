package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"mpconsole/store"
)

// target is one thing measured: how to make its requests and how to tell a good answer.
type target struct {
	name  string
	slug  string // names its profile files
	hello bool   // the bare handler the others are compared with
	extra bool   // measured only when -only names it
	// server is the process that answers, whose CPU time is counted.
	server *proc
	// targeter is called before each attack of length du (the js_codes are minted there).
	targeter func(du time.Duration) (vegeta.Targeter, error)
	check    func(*vegeta.Result) string // "" for a good answer, else why not
}

// apiRateGuess is the rate of an API call assumed before one was measured, to mint enough
// js_codes; the measured /cgi-bin/token rate replaces it.
const apiRateGuess = 5000

// targets are the bare handler, the product's four targets of the performance goals, and
// the /stats and /logs pages of the operational-data goal (issue 13), measured only when
// -only names them.
func targets(ctx context.Context, hello, base string, st *store.Store, acct account, apiRate *float64) []target {
	browser := http.Header{"Cookie": {acct.cookie}, "Accept-Language": {acceptLanguage}}
	form := http.Header{"Cookie": {acct.cookie}, "Accept-Language": {acceptLanguage}, "Content-Type": {"application/x-www-form-urlencoded"}}
	api := url.Values{"appid": {acct.load.AppID}, "secret": {acct.secret}}
	static := func(t vegeta.Target) func(time.Duration) (vegeta.Targeter, error) {
		return func(time.Duration) (vegeta.Targeter, error) { return vegeta.NewStaticTargeter(t), nil }
	}
	token := url.Values{"grant_type": {"client_credential"}}
	for k, v := range api {
		token[k] = v
	}
	return []target{
		{name: "bare net/http hello", slug: "hello", hello: true,
			targeter: static(vegeta.Target{Method: "GET", URL: hello + "/"}), check: expect(http.StatusOK, "hello")},
		{name: "members page, 30 rows, signed in", slug: "members",
			targeter: static(vegeta.Target{Method: "GET", URL: base + "/members", Header: browser}), check: expect(http.StatusOK, "")},
		{name: "IP whitelist save (form post)", slug: "post",
			targeter: static(vegeta.Target{Method: "POST", URL: base + "/dev/settings/ip-whitelist", Header: form,
				Body: []byte(url.Values{"_csrf": {acct.csrf}, "ips": {"127.0.0.1"}}.Encode())}),
			check: expectRedirect("/dev/settings")},
		{name: "GET /cgi-bin/token", slug: "token",
			targeter: static(vegeta.Target{Method: "GET", URL: base + "/cgi-bin/token?" + token.Encode()}),
			check:    expect(http.StatusOK, `"access_token"`)},
		{name: "GET /sns/jscode2session", slug: "jscode2session",
			targeter: func(du time.Duration) (vegeta.Targeter, error) {
				// Enough codes for twice the token rate measured before (or guessed), at least 5,000.
				rate := *apiRate
				if rate == 0 {
					rate = apiRateGuess
				}
				codes, err := mintCodes(ctx, st, acct, max(5000, int(2*rate*du.Seconds())))
				if err != nil {
					return nil, err
				}
				return codeTargeter(base+"/sns/jscode2session?grant_type=authorization_code&"+api.Encode()+"&js_code=", codes), nil
			},
			check: expect(http.StatusOK, `"openid"`)},
		{name: "/stats, 90 days, signed in", slug: "stats", extra: true,
			targeter: static(vegeta.Target{Method: "GET", URL: base + "/stats?days=90", Header: browser}), check: expect(http.StatusOK, "")},
		{name: "/logs page 1, signed in", slug: "logs", extra: true,
			targeter: static(vegeta.Target{Method: "GET", URL: base + "/logs", Header: browser}), check: expect(http.StatusOK, "")},
	}
}

// errNoCodes ends the jscode2session attack early when the minted codes run out.
var errNoCodes = errors.New("the minted js_codes ran out")

// codeTargeter spends each code once, as a backend does with the codes its users send.
func codeTargeter(prefix string, codes []string) vegeta.Targeter {
	var next atomic.Int64
	return func(t *vegeta.Target) error {
		i := next.Add(1) - 1
		if i >= int64(len(codes)) {
			return errNoCodes
		}
		*t = vegeta.Target{Method: "GET", URL: prefix + codes[i]}
		return nil
	}
}

var errcodeRe = regexp.MustCompile(`"errcode":\s*(-?\d+)`)

// expect accepts answers with status whose body (its first bytes) contains want.
func expect(status int, want string) func(*vegeta.Result) string {
	return func(r *vegeta.Result) string {
		switch {
		case r.Code == 0:
			return r.Error
		case int(r.Code) != status:
			return "status " + strconv.Itoa(int(r.Code))
		case want != "" && !bytes.Contains(r.Body, []byte(want)):
			if m := errcodeRe.FindSubmatch(r.Body); m != nil {
				return "errcode " + string(m[1])
			}
			return "an answer without " + want
		}
		return ""
	}
}

// expectRedirect accepts the 303 to the page of a form saved (a signed-out browser
// would get one to /login, a wrong CSRF token a 403).
func expectRedirect(to string) func(*vegeta.Result) string {
	return func(r *vegeta.Result) string {
		switch {
		case r.Code == 0:
			return r.Error
		case r.Code != http.StatusSeeOther:
			return "status " + strconv.Itoa(int(r.Code))
		case r.Headers.Get("Location") != to:
			return "a redirect to " + r.Headers.Get("Location")
		}
		return ""
	}
}

// bodyPrefix is how much of each answer is kept to be checked; the rest is read and
// dropped, so connections are reused.
const bodyPrefix = 512

// attack runs t for du with conns workers, each sending its next request as soon as its
// previous answer is in (vegeta with a fixed worker count and no rate limit: a closed
// loop at conns connections, as wrk -c does), and sums up the answers.
func attack(ctx context.Context, t target, tr vegeta.Targeter, conns int, du time.Duration) row {
	transport := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer transport.CloseIdleConnections()
	a := vegeta.NewAttacker(
		vegeta.Client(&http.Client{Transport: transport, Timeout: 30 * time.Second}),
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Redirects(vegeta.NoFollow), vegeta.MaxBody(bodyPrefix))
	defer context.AfterFunc(ctx, func() { a.Stop() })()
	var m vegeta.Metrics
	out := row{Name: t.name, Hello: t.hello, Reasons: map[string]int{}}
	for r := range a.Attack(tr, vegeta.Rate{}, du, t.slug) {
		m.Add(r)
		if why := t.check(r); why != "" {
			out.Errors++
			out.Reasons[why]++
		}
	}
	m.Close()
	out.Requests = int(m.Requests)
	out.P50, out.P99 = m.Latencies.P50, m.Latencies.P99
	if secs := (m.Duration + m.Wait).Seconds(); secs > 0 {
		out.Rate = float64(out.Requests-out.Errors) / secs
	}
	return out
}
