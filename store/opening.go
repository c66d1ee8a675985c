package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// The environments a mini program opens in (SPEC §12; real: envVersion).
const (
	EnvRelease = "release"
	EnvTrial   = "trial"
	EnvDevelop = "develop"
)

// SearchLimit caps the results of a search of released mini programs.
const SearchLimit = 20

// Opened is what a person gets when opening a mini program in one environment.
type Opened struct {
	AccountID   int64
	AppID, Name string
	Env         string
	Version     Version
}

// PhaseBucket places a person in a phased release (SPEC §12): the first two bytes of
// SHA-256(appid + openid), big-endian, mod 100. A person whose bucket is below the
// percent gets the new version, so raising the percent never takes it from anyone.
func PhaseBucket(appid, openid string) int {
	sum := sha256.Sum256([]byte(appid + openid))
	return int(binary.BigEndian.Uint16(sum[:2]) % 100)
}

// resolveTx answers which version person gets when opening appid in env, or why not, as a
// *ValidationError on "env": env_invalid, not_released, env_not_allowed (trial: not a
// member; develop: may not upload), no_trial_version, no_develop_version. An unknown AppID is
// ErrNotFound. key is the openid key, for the phased-release rule; the release online is the one of the account's clock.
func (s *Store) resolveTx(ctx context.Context, tx *sql.Tx, key []byte, appid string, personID int64, env string) (Opened, error) {
	if env != EnvRelease && env != EnvTrial && env != EnvDevelop {
		return Opened{}, invalid("env", "env_invalid")
	}
	out := Opened{AppID: appid, Env: env}
	var experience bool
	err := tx.QueryRowContext(ctx, `SELECT a.id, a.name, EXISTS (SELECT 1 FROM members m WHERE m.account_id = a.id AND m.person_id = ?
		AND m.kind = 'experience' AND m.status = 'active') FROM accounts a WHERE a.appid = ? AND a.step = 'done'`, personID, appid).
		Scan(&out.AccountID, &out.Name, &experience)
	if errors.Is(err, sql.ErrNoRows) {
		return Opened{}, ErrNotFound
	} else if err != nil {
		return Opened{}, fmt.Errorf("open %s: %w", appid, err)
	}
	roles, err := rolesOf(ctx, tx, out.AccountID, personID)
	if err != nil {
		return Opened{}, err
	}
	switch env {
	case EnvRelease:
		cur, ok, err := onlineTx(ctx, tx, out.AccountID, s.nowFor(out.AccountID))
		if err != nil {
			return Opened{}, err
		}
		if !ok {
			return Opened{}, invalid("env", "not_released")
		}
		out.Version = cur.Version
		first := cur.MembersFirst && len(roles) > 0 || cur.TestersFirst && experience
		if cur.InProgress() && !first && PhaseBucket(appid, openID(key, appid, personID)) >= cur.Percent {
			if cur.Previous == nil {
				return Opened{}, invalid("env", "not_released")
			}
			out.Version = *cur.Previous
		}
	case EnvTrial:
		if len(roles) == 0 && !experience {
			return Opened{}, invalid("env", "env_not_allowed")
		}
		vs, err := versionsWhere(ctx, tx, out.AccountID, `v.trial = 1`)
		if err != nil {
			return Opened{}, err
		}
		if len(vs) == 0 {
			return Opened{}, invalid("env", "no_trial_version")
		}
		out.Version = vs[0]
	case EnvDevelop:
		if !roles.Can(ActUpload) {
			return Opened{}, invalid("env", "env_not_allowed")
		}
		out.Version, err = scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionColumns+versionFrom+`
			WHERE v.account_id = ? AND v.dev = 1 AND v.person_id = ?`, out.AccountID, personID))
		if errors.Is(err, ErrNotFound) {
			return Opened{}, invalid("env", "no_develop_version")
		} else if err != nil {
			return Opened{}, err
		}
	}
	return out, nil
}

// ResolveOpen answers which version person gets when opening appid in env (release, trial
// or develop), or why not (see OpenVersion), without opening it. The release is for anyone
// once released — during a phased release by the hash rule, members and testers first when
// the plan says so; the trial for the administrator, project members and experience members;
// develop for the administrator and developers, each their own latest upload.
func (s *Store) ResolveOpen(ctx context.Context, appid string, personID int64, env string) (Opened, error) {
	key, err := s.serverKey(keyOpenID)
	if err != nil {
		return Opened{}, err
	}
	var out Opened
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		out, err = s.resolveTx(ctx, tx, key, appid, personID, env)
		return err
	})
	return out, err
}

// OpenVersion opens appid in env for person, by the rules of ResolveOpen: it returns the
// version opened and a fresh js_code, and counts the visit under env, in one transaction.
// Refusals are a *ValidationError on "env": env_invalid, not_released, env_not_allowed,
// no_trial_version, no_develop_version; an unknown AppID is ErrNotFound.
func (s *Store) OpenVersion(ctx context.Context, personID int64, appid, env string) (Opened, JSCode, error) {
	var out Opened
	var code JSCode
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		key, err := s.serverKey(keyOpenID)
		if err != nil {
			return err
		}
		if out, err = s.resolveTx(ctx, tx, key, appid, personID, env); err != nil {
			return err
		}
		code, err = s.issueCodeTx(ctx, tx, out.AccountID, appid, personID, env)
		return err
	})
	if err != nil {
		return Opened{}, JSCode{}, err
	}
	return out, code, nil
}

// ReleasedApp is a search result of /wx/apps?q=.
type ReleasedApp struct {
	AppID, Name string
}

// SearchReleased finds released mini programs whose name contains q (case-insensitively
// for Latin letters), by name, at most SearchLimit; an empty query finds nothing.
func (s *Store) SearchReleased(ctx context.Context, q string) ([]ReleasedApp, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	rows, err := s.read.QueryContext(ctx, `SELECT a.appid, a.name FROM accounts a WHERE a.step = 'done' AND a.name LIKE ? ESCAPE '\'
		AND EXISTS (SELECT 1 FROM releases r WHERE r.account_id = a.id AND `+notCancelled+`) ORDER BY a.name, a.id LIMIT ?`, pattern, SearchLimit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q, err)
	}
	defer rows.Close()
	var out []ReleasedApp
	for rows.Next() {
		var a ReleasedApp
		if err := rows.Scan(&a.AppID, &a.Name); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
