package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Login codes (SPEC §11, real): valid 5 minutes, single use; jscode2session answers at
// most 100 calls per person and minute.
const (
	JSCodeTTL         = 5 * time.Minute
	JSCodeMinuteLimit = 100
	// jsCodeKeep is how long spent and expired codes stay before they are swept.
	jsCodeKeep = time.Hour
)

// The versions a person can open (SPEC §3).
const (
	VersionTrial  = "trial"
	VersionOnline = "online"
)

// JSCode is a login code as the simulated WeChat shows it: the only time it is readable.
type JSCode struct {
	Code      string // 32 hex characters
	Version   string // the version that was opened as /wx/apps names it: online, trial or develop
	Env       string // the same as an environment (SPEC §12): release, trial or develop
	ExpiresAt time.Time
}

// envOf names a version of /wx/apps as an environment: the online version is the release.
func envOf(version string) string {
	if version == VersionOnline {
		return EnvRelease
	}
	return version
}

// versionOf is the inverse of envOf.
func versionOf(env string) string {
	if env == EnvRelease {
		return VersionOnline
	}
	return env
}

// WxApp is a mini program as the simulated WeChat lists it for one person.
type WxApp struct {
	AppID, Name string
	Versions    []string // what this person may open: online and trial, or trial only
}

// memberQuery tells, for person (?1), whether an account may be opened in full (its
// administrator or an active project member) and whether only as experience member.
const memberQuery = consoleMember + `,
	EXISTS (SELECT 1 FROM members m WHERE m.account_id = a.id AND m.person_id = ?1 AND m.kind = 'experience')`

// versionsFor is what a person may open: administrators and project members both
// versions, experience members the trial only.
func versionsFor(full, experience bool) []string {
	switch {
	case full:
		return []string{VersionOnline, VersionTrial}
	case experience:
		return []string{VersionTrial}
	}
	return nil
}

// WxApps lists what person may open: as administrator or active project member the trial
// and the online version, as experience member the trial version.
func (s *Store) WxApps(ctx context.Context, personID int64) ([]WxApp, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT a.appid, a.name, `+memberQuery+` FROM accounts a WHERE a.step = 'done'
		AND (a.admin_person_id = ?1 OR a.id IN (SELECT account_id FROM members WHERE person_id = ?1)) ORDER BY a.id`, personID)
	if err != nil {
		return nil, fmt.Errorf("apps of person %d: %w", personID, err)
	}
	defer rows.Close()
	var out []WxApp
	for rows.Next() {
		var a WxApp
		var full, experience bool
		if err := rows.Scan(&a.AppID, &a.Name, &full, &experience); err != nil {
			return nil, err
		}
		if a.Versions = versionsFor(full, experience); a.Versions != nil {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// OpenApp is a member opening a mini program from the list of /wx/apps: it returns a fresh
// js_code (as wx.login gives it; only its hash is stored) and records a visit, both under
// the version's environment. It asks only membership, not which code is uploaded, so a
// team can exchange codes before its first upload; OpenVersion opens real versions by the
// rules of SPEC §12. version "" opens the first version the person may open. An unknown
// AppID is ErrNotFound; one the person may not open, ErrForbidden.
func (s *Store) OpenApp(ctx context.Context, personID int64, appid, version string) (JSCode, error) {
	var code JSCode
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var accountID int64
		var full, experience bool
		err := tx.QueryRowContext(ctx, `SELECT a.id, `+memberQuery+` FROM accounts a WHERE a.appid = ?2 AND a.step = 'done'`,
			personID, appid).Scan(&accountID, &full, &experience)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("open %s: %w", appid, err)
		}
		versions := versionsFor(full, experience)
		if versions == nil {
			return ErrForbidden
		}
		if version == "" {
			version = versions[0]
		}
		if !slices.Contains(versions, version) {
			return invalid("version", "version_not_allowed")
		}
		code, err = s.issueCodeTx(ctx, tx, accountID, appid, personID, envOf(version))
		return err
	})
	if err != nil {
		return JSCode{}, err
	}
	return code, nil
}

// issueCodeTx mints a js_code for person opening the account's mini program in env, counts
// the visit under env and notes the open under the person's openid.
func (s *Store) issueCodeTx(ctx context.Context, tx *sql.Tx, accountID int64, appid string, personID int64, env string) (JSCode, error) {
	now := s.now()
	code := JSCode{Code: randomHex(32), Version: versionOf(env), Env: env, ExpiresAt: now.Add(JSCodeTTL)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO js_codes (code_hash, account_id, person_id, env, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, HashToken(code.Code), accountID, personID, env, fmtTime(now), fmtTime(code.ExpiresAt)); err != nil {
		return JSCode{}, fmt.Errorf("insert js_code: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM js_codes WHERE expires_at < ?`, fmtTime(now.Add(-jsCodeKeep))); err != nil {
		return JSCode{}, fmt.Errorf("sweep js_codes: %w", err)
	}
	if err := s.noteOpenTx(ctx, tx, accountID, appid, personID, now); err != nil {
		return JSCode{}, err
	}
	return code, s.countVisit(ctx, tx, accountID, personID, env)
}

// WxSession is what jscode2session answers.
type WxSession struct {
	OpenID     string
	SessionKey string // 16 random bytes, base64 (24 characters)
}

// openID is stable per (AppID, person) and tells nothing about the person:
// "o" + 27 characters of base64url(HMAC-SHA-256(key, appid|person)), 28 like the real ones.
func openID(key []byte, appid string, personID int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(appid + "|" + strconv.FormatInt(personID, 10)))
	return "o" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:27]
}

// CodeToSession answers GET /sns/jscode2session: it spends the js_code and returns the
// person's openid for this AppID with a fresh session_key. 40029 for a code that is
// unknown, used, expired or another app's; 45011 past 100 calls a minute for one person
// (the code is not spent then); the magic values' errcodes (magic.go). The call is counted, refused or not, once its AppID is
// known.
func (s *Store) CodeToSession(ctx context.Context, call APICall, code string) (WxSession, error) {
	var out WxSession
	err := s.apiTx(ctx, EndpointCode2Session, call, func(tx *sql.Tx, id int64) (err error) {
		out, err = s.codeToSessionTx(ctx, tx, id, call.AppID, code)
		return err
	})
	if err != nil {
		return WxSession{}, err
	}
	return out, nil
}

func (s *Store) codeToSessionTx(ctx context.Context, tx *sql.Tx, id int64, appid, code string) (WxSession, error) {
	if err := magicJSCode(code); err != nil {
		return WxSession{}, err
	}
	now := s.now()
	var codeID, account, person int64
	var expires string
	var used sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, account_id, person_id, expires_at, used_at FROM js_codes WHERE code_hash = ?`,
		HashToken(code)).Scan(&codeID, &account, &person, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return WxSession{}, refuse(APIInvalidCode, ReasonCodeUnknown)
	} else if err != nil {
		return WxSession{}, fmt.Errorf("find js_code: %w", err)
	}
	if err := codeRefusal(ctx, tx, id, account, used, parseTime(expires), now); err != nil {
		return WxSession{}, err
	}
	var calls int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM js_codes WHERE account_id = ? AND person_id = ? AND used_at >= ?`,
		id, person, fmtTime(now.Truncate(time.Minute))).Scan(&calls); err != nil {
		return WxSession{}, fmt.Errorf("count sessions: %w", err)
	}
	if calls >= JSCodeMinuteLimit {
		return WxSession{}, refuse(APIMinuteQuota, ReasonCodeMinuteQuota, "Limit", strconv.Itoa(JSCodeMinuteLimit))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE js_codes SET used_at = ? WHERE id = ?`, fmtTime(now), codeID); err != nil {
		return WxSession{}, fmt.Errorf("spend js_code: %w", err)
	}
	key, err := s.serverKey(keyOpenID)
	if err != nil {
		return WxSession{}, err
	}
	b := make([]byte, 16)
	rand.Read(b)
	return WxSession{OpenID: openID(key, appid, person), SessionKey: base64.StdEncoding.EncodeToString(b)}, nil
}

// codeRefusal tells why a found js_code cannot be spent by account id: it is another
// app's (naming it), already used (when), or expired (when); nil when it can be.
func codeRefusal(ctx context.Context, tx *sql.Tx, id, account int64, used sql.NullString, expires, now time.Time) error {
	switch {
	case account != id:
		var appid string
		if err := tx.QueryRowContext(ctx, `SELECT appid FROM accounts WHERE id = ?`, account).Scan(&appid); err != nil {
			return fmt.Errorf("appid of %d: %w", account, err)
		}
		return refuse(APIInvalidCode, ReasonCodeOtherApp, "AppID", appid)
	case used.Valid:
		return refuse(APIInvalidCode, ReasonCodeUsed, "At", clockText(parseTime(used.String)))
	case !now.Before(expires):
		return refuse(APIInvalidCode, ReasonCodeExpired, "At", clockText(expires))
	}
	return nil
}
