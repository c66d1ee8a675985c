package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Load is the account the load tool (cmd/mpload) measures, with what it needs to sign in
// through the pages as a browser would. Its sign-in details are fixed and printed by the
// tool, so they are no secret: the load database is a throw-away.
type Load struct {
	Email, Password   string // console login
	AdminWechatID     string // the administrator in the simulated WeChat
	WxPassword        string // the administrator's simulator password
	AccountID         int64
	AppID             string
	ProjectMembers    int
	ExperienceMembers int
}

// The load account: a personal subject whose two member lists are full (15 + 15 = the 30
// rows of the performance goals).
const (
	loadEmail         = "load@example.com"
	loadPassword      = "Load-pass-1"
	loadAdmin         = "load_admin"
	loadWxPassword    = "load1234"
	loadName          = "压测小程序"
	loadMembersOfKind = 15
)

// SeedLoad adds the load account to the database once: its administrator (with a real
// name, so the console accepts them), 15 project members with roles and 15 experience
// members, all active. When the account is already there (a database seeded earlier) it
// only returns its details.
func (s *Store) SeedLoad(ctx context.Context) (Load, error) {
	out := Load{Email: loadEmail, Password: loadPassword, AdminWechatID: loadAdmin, WxPassword: loadWxPassword,
		ProjectMembers: loadMembersOfKind, ExperienceMembers: loadMembersOfKind}
	err := s.read.QueryRowContext(ctx, `SELECT id, appid FROM accounts WHERE email = ?`, loadEmail).Scan(&out.AccountID, &out.AppID)
	if err == nil {
		return out, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("find load account: %w", err)
	}
	wxHash, err := hashPassword(loadWxPassword)
	if err != nil {
		return out, err
	}
	consoleHash, err := hashPassword(loadPassword)
	if err != nil {
		return out, err
	}
	idNumber := IDNumberWithCheck("11010519800101001")
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		now := fmtTime(s.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO people (wechat_id, nickname, password_hash, real_name, id_number, created_at)
			VALUES (?, '压测管理员', ?, '李四', ?, ?)`, loadAdmin, wxHash, idNumber, now)
		if err != nil {
			return fmt.Errorf("load administrator: %w", err)
		}
		admin, _ := res.LastInsertId()
		out.AppID = "wx" + randomHex(16)
		res, err = tx.ExecContext(ctx, `INSERT INTO accounts (email, password_hash, step, subject_type, admin_name, admin_id_number,
			admin_phone, admin_person_id, appid, original_id, name, created_at, activated_at, registered_at)
			VALUES (?, ?, ?, 'personal', '李四', ?, '13900139000', ?, ?, ?, ?, ?, ?, ?)`,
			loadEmail, consoleHash, StepDone, idNumber, admin, out.AppID, "gh_"+randomHex(12), loadName, now, now, now)
		if err != nil {
			return fmt.Errorf("load account: %w", err)
		}
		out.AccountID, _ = res.LastInsertId()
		if err := s.logOp(ctx, tx, out.AccountID, admin, opRegistered, out.AppID, ""); err != nil {
			return err
		}
		for i := range 2 * loadMembersOfKind {
			kind, roles := KindProject, string(ProjectRoles[i%len(ProjectRoles)])
			if i >= loadMembersOfKind {
				kind, roles = KindExperience, ""
			}
			wechatID := fmt.Sprintf("load_member_%02d", i+1)
			res, err := tx.ExecContext(ctx, `INSERT INTO people (wechat_id, nickname, password_hash, created_at) VALUES (?, ?, ?, ?)`,
				wechatID, fmt.Sprintf("成员%02d", i+1), wxHash, now)
			if err != nil {
				return fmt.Errorf("load member %s: %w", wechatID, err)
			}
			person, _ := res.LastInsertId()
			if _, err := tx.ExecContext(ctx, `INSERT INTO members (account_id, person_id, kind, roles, status, added_by, added_at)
				VALUES (?, ?, ?, ?, 'active', ?, ?)`, out.AccountID, person, kind, roles, admin, now); err != nil {
				return fmt.Errorf("load member %s: %w", wechatID, err)
			}
			if err := s.logOp(ctx, tx, out.AccountID, admin, memberAdded[kind], wechatID, roles); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// codesPerVisitor keeps every visitor of MintJSCodes at half the per-minute limit of
// jscode2session, so even two batches spent within one minute stay under it.
const codesPerVisitor = JSCodeMinuteLimit / 2

// MintJSCodes hands out n fresh js_codes of the account, as wx.login gives them to people
// opening the mini program, for new visitors (one per 50 codes, so the load never hits the
// per-person minute limit). It is what the load tool spends on /sns/jscode2session; the
// codes expire like any other (JSCodeTTL).
func (s *Store) MintJSCodes(ctx context.Context, accountID int64, n int) ([]string, error) {
	hash, err := hashPassword(randomHex(16))
	if err != nil {
		return nil, err
	}
	now := s.nowFor(accountID)
	codes := make([]string, n)
	b, err := s.newBatch(ctx)
	if err != nil {
		return nil, err
	}
	defer b.rollback()
	var person int64
	for i := range codes {
		if i%codesPerVisitor == 0 {
			wechatID := "load_v" + randomHex(14)
			res, err := b.exec(`INSERT INTO people (wechat_id, nickname, password_hash, created_at) VALUES (?, ?, ?, ?)`,
				wechatID, wechatID, hash, fmtTime(now))
			if err != nil {
				return nil, fmt.Errorf("visitor: %w", err)
			}
			person, _ = res.LastInsertId()
		}
		codes[i] = randomHex(32)
		if _, err := b.exec(`INSERT INTO js_codes (code_hash, account_id, person_id, env, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, HashToken(codes[i]), accountID, person, EnvRelease, fmtTime(now), fmtTime(now.Add(JSCodeTTL))); err != nil {
			return nil, fmt.Errorf("js_code: %w", err)
		}
	}
	return codes, b.commit()
}

// batchRows is how many rows one seeding transaction writes: large enough that the commit
// is a small part of the cost, small enough not to hold the writer long.
const batchRows = 5000

// batch writes many rows through the write connection in transactions of batchRows rows,
// each statement prepared once per transaction. It is for seeding only: a product write
// is one transaction (withTx).
type batch struct {
	ctx   context.Context
	s     *Store
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	rows  int
}

func (s *Store) newBatch(ctx context.Context) (*batch, error) {
	b := &batch{ctx: ctx, s: s}
	return b, b.begin()
}

func (b *batch) begin() error {
	tx, err := b.s.write.BeginTx(b.ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	b.tx, b.stmts, b.rows = tx, map[string]*sql.Stmt{}, 0
	return nil
}

// exec runs one insert, committing and starting the next transaction every batchRows rows.
func (b *batch) exec(query string, args ...any) (sql.Result, error) {
	if b.rows == batchRows {
		if err := b.commit(); err != nil {
			return nil, err
		}
		if err := b.begin(); err != nil {
			return nil, err
		}
	}
	st, ok := b.stmts[query]
	if !ok {
		var err error
		if st, err = b.tx.PrepareContext(b.ctx, query); err != nil {
			return nil, err
		}
		b.stmts[query] = st
	}
	b.rows++
	return st.ExecContext(b.ctx, args...)
}

func (b *batch) commit() error {
	tx := b.tx
	b.tx = nil
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rollback ends an unfinished batch after an error; after commit it does nothing.
func (b *batch) rollback() {
	if b.tx != nil {
		b.tx.Rollback()
	}
}
