package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"
)

// Actor is who changed something in an account: a person, a CI robot (1–30) uploading with
// the code-upload key, the account's email login (the registration steps before an
// administrator is bound), a sandbox token of the automation API (by its name), or — the
// zero Actor — the platform (ops decisions, automatic steps).
type Actor struct {
	PersonID int64
	Robot    int
	Login    bool
	Token    string
}

// ByPerson is the Actor for a person; ByPerson(0) is the platform.
func ByPerson(personID int64) Actor { return Actor{PersonID: personID} }

// ByRobot is the Actor for CI robot n.
func ByRobot(n int) Actor { return Actor{Robot: n} }

// byLogin is the account's email login: the registration steps before an administrator
// is bound have no person to name.
var byLogin = Actor{Login: true}

// The actors of the log that are not a WeChat ID or a robot, as the actor filter names them.
const (
	ActorPlatform = "platform"
	ActorLogin    = "login"
	actorRobot    = "robot "  // followed by the robot's number: "robot 3"
	actorPerson   = "person " // followed by people.id, as stored; shown as the WeChat ID
	actorToken    = "token "  // followed by the sandbox token's name: "token backend CI"
)

// key is the actor as the oplog's actor column stores it (its filter index).
func (a Actor) key() string {
	switch {
	case a.Robot != 0:
		return actorRobot + strconv.Itoa(a.Robot)
	case a.PersonID != 0:
		return actorPerson + strconv.FormatInt(a.PersonID, 10)
	case a.Login:
		return ActorLogin
	case a.Token != "":
		return actorToken + a.Token
	}
	return ActorPlatform
}

type clientIPKey struct{}

type sandboxTokenKey struct{}

// WithSandboxToken puts the name of the sandbox token a request of the automation API
// carries into ctx: what that request changes is logged with the token as actor, where a
// store method is given no person.
func WithSandboxToken(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, sandboxTokenKey{}, name)
}

// WithClientIP puts the request's client address into ctx: every operation-log row written
// under ctx records it. The web layer sets it once per request, so no store method needs
// an address parameter.
func WithClientIP(ctx context.Context, ip netip.Addr) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

func clientIP(ctx context.Context) string {
	if ip, ok := ctx.Value(clientIPKey{}).(netip.Addr); ok && ip.IsValid() {
		return ip.Unmap().String()
	}
	return ""
}

// LogEntry is one line of an account's operation log.
type LogEntry struct {
	ID                 int64
	At                 time.Time
	PersonID           int64 // the person who acted (0: not a person)
	WechatID, Nickname string
	Robot              int    // the CI robot that acted (0: not a robot)
	Login              bool   // the account's email login acted (registration)
	Token              string // the sandbox token that acted, by name ("": not a token)
	Action             string // the action's code; its text is the catalog's oplog.action.CODE
	Target             string // what was acted on (a WeChat ID, a version, a category key …), or ""
	Summary            string // a short "before → after", or a reason; never a secret
	ClientIP           string // the request's address ("" for the platform's own steps)
}

// Actor is who acted as the actor filter names it: the WeChat ID, "robot N", "login",
// "token NAME" or "platform".
func (e LogEntry) Actor() string {
	switch {
	case e.Robot != 0:
		return actorRobot + strconv.Itoa(e.Robot)
	case e.PersonID != 0:
		return e.WechatID
	case e.Login:
		return ActorLogin
	case e.Token != "":
		return actorToken + e.Token
	}
	return ActorPlatform
}

// summaryRunes is how much of each side of a before → after summary the log keeps.
const summaryRunes = 40

// change is the summary "before → after", each side shortened; an empty side is "—".
func change(before, after string) string { return shorten(before) + " → " + shorten(after) }

func shorten(s string) string {
	switch {
	case s == "":
		return "—"
	case utf8.RuneCountInString(s) > summaryRunes:
		return string([]rune(s)[:summaryRunes-1]) + "…"
	}
	return s
}

// logOp records a change in the same transaction that makes it, so the log never says
// something happened that did not (or misses something that did). personID 0 is the
// sandbox token of ctx (WithSandboxToken), else the platform (ops) or the system. target
// names what was changed, summary says how (change); neither may hold a secret, key, token
// or password.
func (s *Store) logOp(ctx context.Context, tx *sql.Tx, accountID, personID int64, action OpAction, target, summary string) error {
	a := ByPerson(personID)
	if name, _ := ctx.Value(sandboxTokenKey{}).(string); personID == 0 && name != "" {
		a = Actor{Token: name}
	}
	return s.logActor(ctx, tx, accountID, a, action, target, summary, s.nowFor(accountID))
}

// logActor is logOp for any actor, at a given time: a step the platform takes by itself (a
// phased release turning full after 15 days) is logged when it took effect, not when noticed.
func (s *Store) logActor(ctx context.Context, tx *sql.Tx, accountID int64, a Actor, action OpAction, target, summary string, at time.Time) error {
	if action.code == "" {
		return fmt.Errorf("log on %d: no action", accountID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO oplog (account_id, person_id, robot, actor, action, target, summary, client_ip, at)
		VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?)`,
		accountID, a.PersonID, a.Robot, a.key(), action.code, target, summary, clientIP(ctx), fmtTime(at))
	if err != nil {
		return fmt.Errorf("log %s on %d: %w", action.code, accountID, err)
	}
	return nil
}
