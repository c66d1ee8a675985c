package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// PasswordCost is the bcrypt cost for every stored password; tests lower it to keep fast.
var PasswordCost = bcrypt.DefaultCost

// bcryptSlots bounds how many bcrypt computations run at once to all cores but one: each
// costs tens of milliseconds of CPU by design, and a burst of logins must not starve the
// API (or the other pages) of the last core. Password work queues here instead.
var bcryptSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))

func hashPassword(pw string) (string, error) {
	bcryptSlots <- struct{}{}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	<-bcryptSlots
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

func passwordMatches(hash, pw string) bool {
	bcryptSlots <- struct{}{}
	defer func() { <-bcryptSlots }()
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// Person is a WeChat identity of the simulated WeChat.
type Person struct {
	ID         int64
	WechatID   string
	Nickname   string
	BoundEmail string
	RealName   string
	IDNumber   string
	Phone      string // "+CC NUMBER" (see CanonicalPhone), or ""
	IsOperator bool
}

// NewPerson is what the /wx sign-up form asks for.
type NewPerson struct {
	WechatID, Nickname, Password, RealName, IDNumber, BoundEmail string
	Phone                                                        string // optional; see CanonicalPhone
	// SandboxAccount is the account whose automation API creates the person (0: none); the
	// person then belongs to that account's sandbox state (SPEC §18).
	SandboxAccount int64
}

// CreatePerson validates and stores a new WeChat identity. Uniqueness of the WeChat ID and
// the bound email is checked in the same transaction that inserts.
func (s *Store) CreatePerson(ctx context.Context, n NewPerson) (Person, error) {
	n.WechatID = strings.TrimSpace(n.WechatID)
	n.Nickname = strings.TrimSpace(n.Nickname)
	n.RealName = strings.TrimSpace(n.RealName)
	n.IDNumber = NormalizeIDNumber(n.IDNumber)
	n.BoundEmail = NormalizeEmail(n.BoundEmail)
	p := Problems{}
	if !CheckWechatID(n.WechatID) {
		p.Add("wechat_id", "wechat_id_invalid")
	}
	if !CheckNickname(n.Nickname) {
		p.Add("nickname", "nickname_invalid")
	}
	if len(n.Password) < 6 || len(n.Password) > 72 {
		p.Add("password", "wx_password_invalid")
	}
	if (n.RealName == "") != (n.IDNumber == "") {
		if n.RealName == "" {
			p.Add("real_name", "real_name_required")
		} else {
			p.Add("id_number", "id_number_invalid")
		}
	} else if n.IDNumber != "" && !CheckIDNumber(n.IDNumber) {
		p.Add("id_number", "id_number_invalid")
	}
	if len([]rune(n.RealName)) > 32 {
		p.Add("real_name", "real_name_required")
	}
	if n.BoundEmail != "" && !CheckEmail(n.BoundEmail) {
		p.Add("bound_email", "email_invalid")
	}
	phone, ok := CanonicalPhone(n.Phone)
	if !ok {
		p.Add("phone", "wx_phone_invalid")
	}
	if err := p.Err(); err != nil {
		return Person{}, err
	}
	hash, err := hashPassword(n.Password)
	if err != nil {
		return Person{}, err
	}
	var out Person
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		var n1 int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM people WHERE wechat_id = ?`, n.WechatID).Scan(&n1); err != nil {
			return err
		}
		if n1 > 0 {
			p.Add("wechat_id", "wechat_id_taken")
		}
		if n.BoundEmail != "" {
			var n2 int
			if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM people WHERE bound_email = ?1)
				+ (SELECT count(*) FROM accounts WHERE email = ?1)`, n.BoundEmail).Scan(&n2); err != nil {
				return err
			}
			if n2 > 0 {
				p.Add("bound_email", "email_taken")
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO people (wechat_id, nickname, password_hash, bound_email, real_name, id_number, phone, created_at)
			VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?)`, n.WechatID, n.Nickname, hash, n.BoundEmail, n.RealName, n.IDNumber, phone, fmtTime(s.now()))
		if err != nil {
			return fmt.Errorf("insert person %q: %w", n.WechatID, err)
		}
		id, _ := res.LastInsertId()
		if n.SandboxAccount != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sandbox_people (account_id, person_id, created_at) VALUES (?, ?, ?)`,
				n.SandboxAccount, id, fmtTime(s.now())); err != nil {
				return fmt.Errorf("note sandbox person %q: %w", n.WechatID, err)
			}
		}
		out = Person{ID: id, WechatID: n.WechatID, Nickname: n.Nickname, BoundEmail: n.BoundEmail, RealName: n.RealName, IDNumber: n.IDNumber, Phone: phone}
		return nil
	})
	return out, err
}

const personColumns = `id, wechat_id, nickname, COALESCE(bound_email, ''), real_name, id_number, phone, is_operator`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	err := row.Scan(&p.ID, &p.WechatID, &p.Nickname, &p.BoundEmail, &p.RealName, &p.IDNumber, &p.Phone, &p.IsOperator)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, ErrNotFound
	}
	return p, err
}

// PersonByID loads a WeChat identity.
func (s *Store) PersonByID(ctx context.Context, id int64) (Person, error) {
	return scanPerson(s.read.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE id = ?`, id))
}

// PersonByWechatID loads a WeChat identity by its (case-insensitive) WeChat ID.
func (s *Store) PersonByWechatID(ctx context.Context, wechatID string) (Person, error) {
	return scanPerson(s.read.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE wechat_id = ?`, strings.TrimSpace(wechatID)))
}

// dummyHash is compared against when no such login exists. It is made at PasswordCost,
// so the comparison costs what a real one does whatever the cost is set to.
var dummyHash = sync.OnceValue(func() string {
	h, _ := bcrypt.GenerateFromPassword([]byte("no such login"), PasswordCost)
	return string(h)
})

// SetOperator grants or revokes the platform reviewer flag (mpconsole ops grant|revoke).
func (s *Store) SetOperator(ctx context.Context, wechatID string, on bool) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE people SET is_operator = ? WHERE wechat_id = ?`, on, strings.TrimSpace(wechatID))
		if err != nil {
			return fmt.Errorf("set operator %q: %w", wechatID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
