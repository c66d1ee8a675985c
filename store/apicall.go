package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
)

// APIError is an errcode of the WeChat-compatible API (SPEC §11). The store decides which
// one; the web layer owns the errmsg wording.
type APIError int

func (e APIError) Error() string { return fmt.Sprintf("wechat api errcode %d", int(e)) }

// The errcodes the store answers (the web layer adds those about the request's shape).
const (
	APIInvalidCredential APIError = 40001 // unknown or superseded access token
	APIInvalidAppID      APIError = 40013
	APIInvalidCode       APIError = 40029 // js_code unknown, used, expired or another app's
	APIInvalidSecret     APIError = 40125 // wrong, malformed or never generated AppSecret
	APIIPNotAllowed      APIError = 40164
	APISecretFrozen      APIError = 40243
	APITokenExpired      APIError = 42001
	APIDailyQuota        APIError = 45009
	APIMinuteQuota       APIError = 45011
)

// APICall is what every call that carries the AppSecret presents.
type APICall struct {
	AppID, Secret string
	IP            netip.Addr // the client's address, for the whitelist
	// Note, when set, receives what the journal should say of a call that succeeded only
	// because the whitelist is in log-only mode or the previous secret's overlap runs.
	Note *CallNote
}

// authorizeCall checks an API call's AppID, AppSecret (the current one, or the previous
// one within a rotation overlap), freeze state and IP whitelist, in that order, and returns
// the account. One query reads all of it; the hashing key is held in memory since
// UseMasterKey. A call refused after its AppID was found still names the account, so the
// refusal can be counted against it. A call from an address off a log-only whitelist
// passes with a note for the journal. The secret's last use is noted (noteSecretUse).
func (s *Store) authorizeCall(ctx context.Context, tx *sql.Tx, call APICall) (int64, error) {
	key, err := s.serverKey(keyAppSecret)
	if err != nil {
		return 0, err
	}
	var id int64
	var hash, changes, ips, mode, prevHash, prevUntil sql.NullString
	var usedAt, prevUsedAt sql.NullString
	var frozen sql.NullBool
	err = tx.QueryRowContext(ctx, `SELECT a.id, s.secret_hash, s.frozen, s.frozen_changed_at, d.ip_whitelist, d.whitelist_mode,
		s.previous_hash, s.previous_until, s.last_used_at, s.previous_last_used_at
		FROM accounts a LEFT JOIN app_secrets s ON s.account_id = a.id LEFT JOIN dev_settings d ON d.account_id = a.id
		WHERE a.appid = ? AND a.step = 'done'`, call.AppID).Scan(&id, &hash, &frozen, &changes, &ips, &mode, &prevHash, &prevUntil, &usedAt, &prevUsedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, refuse(APIInvalidAppID, ReasonAppIDUnknown, "AppID", call.AppID)
	} else if err != nil {
		return 0, fmt.Errorf("find appid: %w", err)
	}
	r := secretRow{hash: hash.String, frozen: frozen.Bool, changesAt: parseTime(changes.String)}
	entries := splitStored(ips.String)
	use := secretUse{lastUsed: usedAt.String}
	current := hash.Valid && appSecretMatches(key, r.hash, call.Secret)
	if !current && s.previousSecretWorks(key, id, prevHash, prevUntil, call.Secret) {
		use = secretUse{previous: true, lastUsed: prevUsedAt.String}
		call.note(refuse(0, ReasonSecretPrevious, "Until", clockText(parseTime(prevUntil.String))))
	}
	switch {
	case !current && !use.previous:
		refusal, err := s.wrongSecretReason(ctx, tx, key, id, hash.Valid, call.Secret)
		if err != nil {
			return id, err
		}
		return id, refusal
	case r.frozenAt(s.nowFor(id)):
		return id, refuse(APISecretFrozen, ReasonSecretFrozen, "At", clockText(r.changesAt))
	case !IPAllowed(entries, call.IP):
		refusal := ipRefusal(entries, call)
		if mode.String != WhitelistLogOnly {
			return id, refusal
		}
		call.note(&Refusal{Code: APIIPNotAllowed, Reason: ReasonIPLogOnly, Args: refusal.Args})
	}
	return id, s.noteSecretUse(ctx, tx, id, use)
}

// apiCallTx runs one call that carries the AppSecret in tx: it authorizes the call, runs
// fn for the account and counts the call as ok. It returns the account it recognized (0
// for an unknown AppID) also when the call is refused.
func (s *Store) apiCallTx(ctx context.Context, tx *sql.Tx, endpoint string, call APICall, fn func(tx *sql.Tx, accountID int64) error) (int64, error) {
	id, err := s.authorizeCall(ctx, tx, call)
	if err == nil {
		err = fn(tx, id)
	}
	if err == nil {
		err = s.countAPICall(ctx, tx, id, endpoint, OutcomeOK)
	}
	return id, err
}

// apiTx runs a call that carries the AppSecret in one write transaction (apiCallTx). A
// call refused once its AppID was recognized (wrong secret, frozen, IP, quota, a bad code)
// is counted with its errcode in a transaction of its own, as the refused one rolls back.
func (s *Store) apiTx(ctx context.Context, endpoint string, call APICall, fn func(tx *sql.Tx, accountID int64) error) error {
	var account int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		account, err = s.apiCallTx(ctx, tx, endpoint, call, fn)
		return err
	})
	if err == nil || account == 0 {
		return err
	}
	if cerr := s.CountAPICall(ctx, account, endpoint, err); cerr != nil {
		return errors.Join(err, cerr)
	}
	return err
}
