package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
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

// LogPageSize is how many rows a page of /logs holds (SPEC §16).
const LogPageSize = 50

// LogFilter selects rows of the operation log; the zero filter selects all.
type LogFilter struct {
	Actor    string // a WeChat ID (any case), "robot N", "login" or "platform"; "" for all
	Action   string // an action code of OpActions; "" for all
	From, To string // platform days YYYY-MM-DD (China time), inclusive; "" leaves that side open
}

// LogPage is one page of the operation log, newest first.
type LogPage struct {
	Entries []LogEntry
	Next    int64 // the before of the next page (this page's last ID); 0 on the last page
}

// OpLog reads one page of the account's operation log, newest first (by time, then ID),
// of the rows f selects older than the row before (0: from the newest). Paging by the row
// rather than by an offset keeps the pages stable while new rows arrive. Errors: a
// *ValidationError for an unknown action (action_invalid) or a date that is not
// YYYY-MM-DD (date_invalid, on from or to); ErrNotFound for a before that is not a row
// of the account.
func (s *Store) OpLog(ctx context.Context, accountID int64, f LogFilter, before int64) (LogPage, error) {
	var page LogPage
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		q, args, err := logQuery(ctx, tx, accountID, f, before)
		if err != nil {
			return err
		}
		err = eachLog(ctx, tx, q+` LIMIT ?`, append(args, LogPageSize+1), func(e LogEntry) error {
			page.Entries = append(page.Entries, e)
			return nil
		})
		if len(page.Entries) > LogPageSize {
			page.Entries = page.Entries[:LogPageSize]
			page.Next = page.Entries[LogPageSize-1].ID
		}
		return err
	})
	return page, err
}

// OpLogEach calls fn with every row f selects, newest first, unpaged and without holding
// them all in memory: the CSV download of /logs. An error from fn stops the walk and is
// returned.
func (s *Store) OpLogEach(ctx context.Context, accountID int64, f LogFilter, fn func(LogEntry) error) error {
	return s.readTx(ctx, func(tx *sql.Tx) error {
		q, args, err := logQuery(ctx, tx, accountID, f, 0)
		if err != nil {
			return err
		}
		return eachLog(ctx, tx, q, args, fn)
	})
}

// logQuery builds the filtered, ordered query. Each filter has its index (account, actor or
// action, at, id), so the newest rows come first without a sort however long the log.
func logQuery(ctx context.Context, tx *sql.Tx, accountID int64, f LogFilter, before int64) (string, []any, error) {
	where := []string{`l.account_id = ?`}
	args := []any{accountID}
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	p := Problems{}
	if f.Action != "" {
		if _, ok := opActionByCode(f.Action); ok {
			add(`l.action = ?`, f.Action)
		} else {
			p.Add("action", "action_invalid")
		}
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		key, err := actorKey(ctx, tx, a)
		if err != nil {
			return "", nil, err
		}
		add(`l.actor = ?`, key)
	}
	for _, d := range []struct {
		field, day, cond string
		next             bool
	}{{"from", f.From, `l.at >= ?`, false}, {"to", f.To, `l.at < ?`, true}} {
		if d.day == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.day, CalendarZone)
		if err != nil {
			p.Add(d.field, "date_invalid")
			continue
		}
		if d.next {
			t = t.AddDate(0, 0, 1)
		}
		add(d.cond, fmtTime(t))
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	if before != 0 {
		var at string
		err := tx.QueryRowContext(ctx, `SELECT at FROM oplog WHERE id = ? AND account_id = ?`, before, accountID).Scan(&at)
		if err := notFound(err, "log cursor"); err != nil {
			return "", nil, err
		}
		add(`(l.at, l.id) < (?, ?)`, at, before)
	}
	return `SELECT l.id, l.at, COALESCE(l.person_id, 0), COALESCE(p.wechat_id, ''), COALESCE(p.nickname, ''), COALESCE(l.robot, 0),
		l.actor = '` + ActorLogin + `', CASE WHEN substr(l.actor, 1, 6) = '` + actorToken + `' THEN substr(l.actor, 7) ELSE '' END,
		l.action, l.target, l.summary, l.client_ip
		FROM oplog l LEFT JOIN people p ON p.id = l.person_id WHERE ` + strings.Join(where, " AND ") + ` ORDER BY l.at DESC, l.id DESC`, args, nil
}

// actorKey turns the actor filter into the stored key; a WeChat ID nobody has selects
// nothing.
func actorKey(ctx context.Context, tx *sql.Tx, actor string) (string, error) {
	lower := strings.ToLower(actor)
	if lower == ActorPlatform || lower == ActorLogin {
		return lower, nil
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(lower, actorRobot)); err == nil && strings.HasPrefix(lower, actorRobot) {
		return actorRobot + strconv.Itoa(n), nil
	}
	if strings.HasPrefix(lower, actorToken) {
		return actorToken + strings.TrimSpace(actor[len(actorToken):]), nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE wechat_id = ?`, actor).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("find actor %q: %w", actor, err)
	}
	return actorPerson + strconv.FormatInt(id, 10), nil
}

func eachLog(ctx context.Context, tx *sql.Tx, q string, args []any, fn func(LogEntry) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read oplog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e LogEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.PersonID, &e.WechatID, &e.Nickname, &e.Robot, &e.Login, &e.Token, &e.Action, &e.Target,
			&e.Summary, &e.ClientIP); err != nil {
			return err
		}
		e.At = parseTime(at)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
