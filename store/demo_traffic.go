package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"
)

// The demo's month of history.
const (
	demoDays     = 30 // platform days of traffic, ending today
	demoVisitors = 20 // synthetic people who open the released mini program
	demoTrialDay = 10 // the day of the month from which the trial version exists
)

// demoTraffic is what the demo's month of traffic needs.
type demoTraffic struct {
	account       int64
	appid, secret string
	people        map[string]int64 // by WeChat ID
	clock         *demoClock
	today         time.Time
}

// demoEvent is one thing that happens in the demo's month: a person opening the mini
// program in env, or (person 0) the demo's backend fetching an access token.
type demoEvent struct {
	at     time.Time
	person int64
	env    string
}

// seedDemoTraffic writes demoDays platform days of traffic ending now: a few hundred opens a
// day (weekends busier) by the synthetic visitors (release; half of them arrive during the
// month, so there are new visitors) and by the members (trial and develop once the trial
// exists); a jscode2session for most opens, a js_code used twice now and then (40029); an
// access token every two hours, with a wrong secret every third day (40125). Opens and
// sessions are counted by the functions that count real ones (countVisit, countAPICall);
// the token calls are real calls (apiCallTx); all on the moved clock, so the history is
// what real traffic would have written, at a cost that keeps `serve --demo` quick. The
// randomness is seeded: every demo has the same month.
func (s *Store) seedDemoTraffic(ctx context.Context, tx *sql.Tx, t demoTraffic) error {
	rng := rand.New(rand.NewPCG(13, 16))
	call := APICall{AppID: t.appid, Secret: t.secret, IP: netip.IPv6Loopback()}
	wrong := call
	wrong.Secret = randomHex(32)
	first := dayStart(t.today).AddDate(0, 0, 1-demoDays)
	for d := range demoDays {
		day := first.AddDate(0, 0, d)
		end := day.AddDate(0, 0, 1)
		if end.After(t.today) {
			end = t.today
		}
		for _, e := range demoEvents(d, day, end, rng, t.people) {
			t.clock.t = e.at
			if e.person == 0 {
				c := call
				if d%3 == 0 && e.at.In(CalendarZone).Hour() == 9 {
					c = wrong
				}
				if err := s.demoCall(ctx, tx, EndpointToken, c, func(tx *sql.Tx, id int64) error {
					return s.issueTokenTx(ctx, tx, id, s.newAccessToken(), 2000)
				}); err != nil {
					return err
				}
				continue
			}
			if err := s.countVisit(ctx, tx, t.account, e.person, e.env); err != nil {
				return err
			}
			if rng.IntN(10) < 3 {
				continue
			}
			outcome := OutcomeOK
			if rng.IntN(40) == 0 {
				outcome = Outcome(APIInvalidCode)
			}
			if err := s.countAPICall(ctx, tx, t.account, EndpointCode2Session, outcome); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoCall makes one API call as apiTx does, but inside the demo's transaction: a refused
// call has written nothing when it is refused, so it is only counted.
func (s *Store) demoCall(ctx context.Context, tx *sql.Tx, endpoint string, call APICall, fn func(tx *sql.Tx, accountID int64) error) error {
	id, err := s.apiCallTx(ctx, tx, endpoint, call, fn)
	var code APIError
	if errors.As(err, &code) && id != 0 {
		return s.countAPICall(ctx, tx, id, endpoint, Outcome(err))
	}
	return err
}

// demoEvents is day d's events between day and end, in time order.
func demoEvents(d int, day, end time.Time, rng *rand.Rand, people map[string]int64) []demoEvent {
	span := end.Sub(day)
	if span <= 0 {
		return nil
	}
	var out []demoEvent
	visit := func(wechatID, env string, n int) {
		for range n {
			out = append(out, demoEvent{at: day.Add(time.Duration(rng.Int64N(int64(span)))), person: people[wechatID], env: env})
		}
	}
	weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
	for i := range demoVisitors {
		arrives := 0
		if i >= demoVisitors/2 {
			arrives = (i-demoVisitors/2)*3 + 1
		}
		if d < arrives || rng.IntN(5) == 0 {
			continue
		}
		n := 5 + rng.IntN(20)
		if weekend {
			n = n * 3 / 2
		}
		visit(fmt.Sprintf("demo_visitor%02d", i+1), EnvRelease, n)
	}
	for _, id := range []string{"demo_admin", "demo_operator", "demo_analyst"} {
		visit(id, EnvRelease, rng.IntN(4))
	}
	if d >= demoTrialDay {
		visit("demo_tester1", EnvTrial, 1+rng.IntN(5))
		visit("demo_tester2", EnvTrial, 1+rng.IntN(5))
		visit("demo_developer", EnvDevelop, 2+rng.IntN(6))
		visit("demo_developer", EnvTrial, rng.IntN(3))
	}
	for h := 1; h < 24; h += 2 {
		if at := day.Add(time.Duration(h) * time.Hour); at.Before(end) {
			out = append(out, demoEvent{at: at})
		}
	}
	slices.SortStableFunc(out, func(a, b demoEvent) int { return a.at.Compare(b.at) })
	return out
}
