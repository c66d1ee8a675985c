package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Refusal is an APIError with the reason in words that the request journal shows
// (SPEC §18): Reason is a catalog key under "journal.reason.", Args its values. It
// unwraps to its APIError, so errors.As and errors.Is find the errcode as before.
type Refusal struct {
	Code   APIError
	Reason string
	Args   map[string]string
}

func (r *Refusal) Error() string { return r.Code.Error() + " (" + r.Reason + ")" }

func (r *Refusal) Unwrap() error { return r.Code }

// The reasons of the refusals the API gives.
const (
	ReasonAppIDUnknown     = "appid_unknown"
	ReasonSecretNone       = "secret_none"
	ReasonSecretReplaced   = "secret_replaced"
	ReasonSecretMismatch   = "secret_mismatch"
	ReasonSecretFrozen     = "secret_frozen"
	ReasonIPNotListed      = "ip_not_listed"
	ReasonCodeUnknown      = "code_unknown"
	ReasonCodeUsed         = "code_used"
	ReasonCodeExpired      = "code_expired"
	ReasonCodeOtherApp     = "code_other_app"
	ReasonCodeMinuteQuota  = "code_minute_quota"
	ReasonTokenQuota       = "token_quota"
	ReasonStableForceQuota = "stable_force_quota"
	ReasonTokenUnknown     = "token_unknown"
	ReasonTokenReplaced    = "token_replaced"
	ReasonTokenExpired     = "token_expired"
	ReasonFault            = "fault"
)

// refuse builds a Refusal; kv alternates names and values.
func refuse(code APIError, reason string, kv ...string) *Refusal {
	args := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i]] = kv[i+1]
	}
	return &Refusal{Code: code, Reason: reason, Args: args}
}

// clockText is a moment as the journal's reasons name it: China time to the second.
func clockText(t time.Time) string { return t.In(CalendarZone).Format("2006-01-02 15:04:05") }

// wrongSecretReason tells why secret is not the account's AppSecret: none was ever
// generated, it is one that a reset replaced (and when), or it matches nothing.
func (s *Store) wrongSecretReason(ctx context.Context, tx *sql.Tx, key []byte, accountID int64, hasSecret bool, secret string) (*Refusal, error) {
	if !hasSecret {
		return refuse(APIInvalidSecret, ReasonSecretNone), nil
	}
	var replaced string
	err := tx.QueryRowContext(ctx, `SELECT replaced_at FROM secret_history WHERE account_id = ? AND secret_hash = ?
		ORDER BY replaced_at DESC LIMIT 1`, accountID, hashAppSecret(key, secret)).Scan(&replaced)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return refuse(APIInvalidSecret, ReasonSecretMismatch), nil
	case err != nil:
		return nil, fmt.Errorf("replaced secrets of %d: %w", accountID, err)
	}
	return refuse(APIInvalidSecret, ReasonSecretReplaced, "At", clockText(parseTime(replaced))), nil
}

// ipRefusal says which address was refused and what the whitelist holds.
func ipRefusal(entries []string, call APICall) *Refusal {
	return refuse(APIIPNotAllowed, ReasonIPNotListed, "IP", call.IP.String(), "List", "["+strings.Join(entries, ", ")+"]")
}
