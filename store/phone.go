package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Phone numbers of simulator identities and the one-time codes that share them with a mini
// program's server (SPEC §17; real: getuserphonenumber). A person shares the number in an
// opened mini program (SharePhone) and the server exchanges the code once, within 5
// minutes, for the number (PhoneNumberForCode).

// Phone-code rules (real: "每个code只能使用一次，code的有效期为5min").
const (
	PhoneCodeTTL = 5 * time.Minute
	// MagicPhoneCode answers 40029 without touching state (SPEC §18).
	MagicPhoneCode = "magic-40029"
	// phoneCodeKeep is how long spent and expired codes stay before they are swept.
	phoneCodeKeep = time.Hour
)

// phoneIntl is "+CC NUMBER": a country code of 1–3 digits, a space or hyphen (it tells where
// the code ends), and digits that may be grouped by spaces or hyphens.
var phoneIntl = regexp.MustCompile(`^\+([1-9][0-9]{0,2})[ -]([0-9][0-9 -]*[0-9])$`)

// phoneSeparators are what people group digits with.
var phoneSeparators = strings.NewReplacer(" ", "", "-", "")

// CanonicalPhone reads a phone number as a person types it: a mainland mobile of 11 digits
// (1[3-9]…, as SPEC §5 has it, optionally after +86), or for any other country "+CC NUMBER"
// with 4 or more digits, 15 at most with the country code (E.164). Spaces and hyphens may
// group the digits. It returns the stored form "+CC DIGITS"; "" stays "" (no phone).
func CanonicalPhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	compact := phoneSeparators.Replace(s)
	if mainland, ok := strings.CutPrefix(compact, "+86"); ok && CheckPhone(mainland) {
		return "+86 " + mainland, true
	}
	if CheckPhone(compact) {
		return "+86 " + compact, true
	}
	m := phoneIntl.FindStringSubmatch(s)
	if m == nil || m[1] == "86" {
		return "", false
	}
	number := phoneSeparators.Replace(m[2])
	if len(number) < 4 || len(m[1])+len(number) > 15 {
		return "", false
	}
	return "+" + m[1] + " " + number, true
}

// splitPhone parses a stored "+CC DIGITS" into the country code and the number.
func splitPhone(stored string) (cc, number string) {
	cc, number, _ = strings.Cut(strings.TrimPrefix(stored, "+"), " ")
	return cc, number
}

// Profile is what a person may change about their identity after sign-up.
type Profile struct {
	Nickname string
	Phone    string // "" removes the number
}

// UpdateProfile changes person's nickname and phone number (errors on "nickname":
// nickname_invalid, on "phone": wx_phone_invalid) and returns the person as stored.
func (s *Store) UpdateProfile(ctx context.Context, personID int64, pr Profile) (Person, error) {
	nickname := strings.TrimSpace(pr.Nickname)
	p := Problems{}
	if !CheckNickname(nickname) {
		p.Add("nickname", "nickname_invalid")
	}
	phone, ok := CanonicalPhone(pr.Phone)
	if !ok {
		p.Add("phone", "wx_phone_invalid")
	}
	if err := p.Err(); err != nil {
		return Person{}, err
	}
	var out Person
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE people SET nickname = ?, phone = ? WHERE id = ?`, nickname, phone, personID)
		if err != nil {
			return fmt.Errorf("update profile of %d: %w", personID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		out, err = scanPerson(tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE id = ?`, personID))
		return err
	})
	return out, err
}

// PhoneCode is a phone-number code as the simulated mini program shows it: the only time
// it is readable (data-testid="phone-code").
type PhoneCode struct {
	Code      string // 64 hex characters, like the real ones
	ExpiresAt time.Time
}

// SharePhone is person tapping "share my phone number" in the opened mini program appid:
// a one-time code bound to the account and the person, valid 5 minutes, of which only a
// hash is stored. ErrNotFound for an unknown AppID, ErrForbidden when the person never
// opened it, phone_missing (on "phone") when the person has no number to share.
func (s *Store) SharePhone(ctx context.Context, personID int64, appid string) (PhoneCode, error) {
	var out PhoneCode
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		accountID, err := openedByTx(ctx, tx, appid, personID)
		if err != nil {
			return err
		}
		var phone string
		if err := tx.QueryRowContext(ctx, `SELECT phone FROM people WHERE id = ?`, personID).Scan(&phone); err != nil {
			return fmt.Errorf("phone of %d: %w", personID, err)
		}
		if phone == "" {
			return invalid("phone", "phone_missing")
		}
		now := s.now()
		out = PhoneCode{Code: NewToken(), ExpiresAt: now.Add(PhoneCodeTTL)}
		if _, err := tx.ExecContext(ctx, `INSERT INTO phone_codes (code_hash, account_id, person_id, phone, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, HashToken(out.Code), accountID, personID, phone, fmtTime(now), fmtTime(out.ExpiresAt)); err != nil {
			return fmt.Errorf("insert phone code: %w", err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM phone_codes WHERE expires_at < ?`, fmtTime(now.Add(-phoneCodeKeep)))
		return err
	})
	return out, err
}

// PhoneInfo is getuserphonenumber's phone_info, with the real field names and types
// (countryCode a string, as the field table and the SDKs have it).
type PhoneInfo struct {
	PhoneNumber     string         `json:"phoneNumber"`     // with the country code for numbers outside the mainland
	PurePhoneNumber string         `json:"purePhoneNumber"` // without it
	CountryCode     string         `json:"countryCode"`
	Watermark       PhoneWatermark `json:"watermark"`
}

// PhoneWatermark says when the number was shared and with which mini program.
type PhoneWatermark struct {
	Timestamp int64  `json:"timestamp"`
	AppID     string `json:"appid"`
}

// PhoneNumberForCode answers POST /wxa/business/getuserphonenumber: it spends the code and
// returns the number as it was shared. 40029 for a code that is unknown, used, expired or
// another account's, and for MagicPhoneCode (which touches nothing).
func (s *Store) PhoneNumberForCode(ctx context.Context, accountID int64, code string) (PhoneInfo, error) {
	var out PhoneInfo
	err := s.tokenAPITx(ctx, accountID, EndpointPhoneNumber, func(tx *sql.Tx) error {
		if code == MagicPhoneCode {
			return magicRefusal(APIInvalidCode, code)
		}
		var id, account int64
		var phone, created, expires, appid string
		var used sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT c.id, c.account_id, c.phone, c.created_at, c.expires_at, c.used_at, a.appid
			FROM phone_codes c JOIN accounts a ON a.id = c.account_id WHERE c.code_hash = ?`, HashToken(code)).
			Scan(&id, &account, &phone, &created, &expires, &used, &appid)
		if errors.Is(err, sql.ErrNoRows) {
			return APIInvalidCode
		} else if err != nil {
			return fmt.Errorf("find phone code: %w", err)
		}
		if account != accountID || used.Valid || !s.now().Before(parseTime(expires)) {
			return APIInvalidCode
		}
		if _, err := tx.ExecContext(ctx, `UPDATE phone_codes SET used_at = ? WHERE id = ?`, fmtTime(s.now()), id); err != nil {
			return fmt.Errorf("spend phone code: %w", err)
		}
		cc, number := splitPhone(phone)
		out = PhoneInfo{PhoneNumber: number, PurePhoneNumber: number, CountryCode: cc,
			Watermark: PhoneWatermark{Timestamp: parseTime(created).Unix(), AppID: appid}}
		if cc != "86" {
			out.PhoneNumber = "+" + cc + number
		}
		return nil
	})
	return out, err
}
