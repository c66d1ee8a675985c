package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// LogPageSize is how many rows a page of /logs holds (SPEC §16).
const LogPageSize = 50

// LogFilter selects rows of the operation log; the zero filter selects all.
type LogFilter struct {
	Actor    string // a WeChat ID (any case), "robot N", "token NAME", "login" or "platform"; "" for all
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
