package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// The IP whitelist's modes (SPEC §18): strict refuses a call from an address not listed
// (40164, as the real platform does); log-only lets it through and the journal says it
// would have been refused, so a team can find the addresses its servers really call from
// before turning the whitelist on.
const (
	WhitelistStrict  = "strict"
	WhitelistLogOnly = "log-only"
)

// WhitelistModes are the modes in the order the sandbox page offers them.
var WhitelistModes = []string{WhitelistStrict, WhitelistLogOnly}

// ReasonIPLogOnly is the journal's note on a call that the log-only whitelist let through.
const ReasonIPLogOnly = "ip_not_listed_log_only"

// CallNote is what the journal should say about an API call that succeeded although the
// strict rules would have refused it (a log-only whitelist), or only through the previous
// secret's overlap; the store fills it in, the API journals it.
type CallNote struct {
	Refusal *Refusal
}

// note records r on the call's note, if the caller asked for one.
func (c APICall) note(r *Refusal) {
	if c.Note != nil {
		c.Note.Refusal = r
	}
}

// WhitelistModeOf is the account's whitelist mode (strict when never set).
func (s *Store) WhitelistModeOf(ctx context.Context, accountID int64) (string, error) {
	return whitelistModeTx(ctx, s.read, accountID)
}

func whitelistModeTx(ctx context.Context, q querier, accountID int64) (string, error) {
	mode := WhitelistStrict
	err := q.QueryRowContext(ctx, `SELECT whitelist_mode FROM dev_settings WHERE account_id = ?`, accountID).Scan(&mode)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("whitelist mode of %d: %w", accountID, err)
	}
	return mode, nil
}

// SetWhitelistMode sets the whitelist's mode (field whitelist_mode, whitelist_mode_invalid)
// and writes the change to the operation log; setting the mode in effect changes nothing.
func (s *Store) SetWhitelistMode(ctx context.Context, accountID, personID int64, mode string) error {
	if !slices.Contains(WhitelistModes, mode) {
		return invalid("whitelist_mode", "whitelist_mode_invalid")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		old, err := whitelistModeTx(ctx, tx, accountID)
		if err != nil || old == mode {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dev_settings (account_id, whitelist_mode, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET whitelist_mode = excluded.whitelist_mode, updated_at = excluded.updated_at`,
			accountID, mode, fmtTime(s.nowFor(accountID))); err != nil {
			return fmt.Errorf("set whitelist mode of %d: %w", accountID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opWhitelistModeSet, "", change(old, mode))
	})
}
