package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/netip"
	"slices"
	"time"
)

// DemoPerson is one seeded WeChat identity and what it is in the demo account.
type DemoPerson struct {
	WechatID string
	Nickname string
	Role     string // admin, operator, developer, analyst, experience or reviewer
}

// Demo is what `mpconsole serve --demo` seeded, with everything needed to sign in.
type Demo struct {
	Email, Password string // the console login of the demo account
	WxPassword      string // the simulator password of every demo person
	AccountName     string
	AppID           string
	People          []DemoPerson
}

// The demo's sign-in details; printed at start-up, so they are no secret.
const (
	demoEmail      = "demo@example.com"
	demoPassword   = "Demo-pass-1"
	demoWxPassword = "demo1234"
	demoName       = "演示商城"
)

var demoPeople = []DemoPerson{
	{"demo_admin", "演示管理员", "admin"},
	{"demo_operator", "运营小王", "operator"},
	{"demo_developer", "开发小李", "developer"},
	{"demo_analyst", "数据小赵", "analyst"},
	{"demo_tester1", "体验者甲", "experience"},
	{"demo_tester2", "体验者乙", "experience"},
	{"demo_reviewer", "平台审核员", "reviewer"},
}

// SeedDemo fills an empty database with a finished demo account (personal subject, with
// a name and an icon), its administrator, one active project member of each role, two experience
// members and a platform reviewer, so a newcomer can try every role at once; with
// versions in every state (online, under review, trial, in development); and with 30 days
// of history: the account was registered a month ago, and its visits and API calls of
// each day were made by the store's own functions with the clock moved through the days,
// so /stats and /logs have something to show on first run. It is one transaction; a
// database that already holds people or accounts is left alone with ErrConflict.
func (s *Store) SeedDemo(ctx context.Context) (Demo, error) {
	out := Demo{Email: demoEmail, Password: demoPassword, WxPassword: demoWxPassword, AccountName: demoName, People: demoPeople}
	wxHash, err := hashPassword(demoWxPassword)
	if err != nil {
		return out, err
	}
	consoleHash, err := hashPassword(demoPassword)
	if err != nil {
		return out, err
	}
	idNumber := IDNumberWithCheck("11010519850615002")
	icon, err := ReadIcon(bytes.NewReader(demoIcon()))
	if err != nil {
		return out, err
	}
	today := s.now()
	clock := &demoClock{t: dayStart(today).AddDate(0, 0, -demoDays-1).Add(10 * time.Hour)}
	st := s.withClock(clock.now)
	ctx = WithClientIP(ctx, netip.IPv6Loopback())
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM people) + (SELECT count(*) FROM accounts)`).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return ErrConflict
		}
		ids, err := st.demoPeopleTx(ctx, tx, wxHash, idNumber)
		if err != nil {
			return err
		}
		admin := ids["demo_admin"]
		out.AppID = "wx" + randomHex(16)
		now := fmtTime(clock.t)
		res, err := tx.ExecContext(ctx, `INSERT INTO accounts (email, password_hash, step, subject_type, admin_name, admin_id_number,
			admin_phone, admin_person_id, appid, original_id, name, created_at, activated_at, registered_at)
			VALUES (?, ?, ?, 'personal', '张三', ?, '13800138000', ?, ?, ?, ?, ?, ?, ?)`,
			demoEmail, consoleHash, StepDone, idNumber, admin, out.AppID, "gh_"+randomHex(12), demoName, now, now, now)
		if err != nil {
			return fmt.Errorf("demo account: %w", err)
		}
		account, _ := res.LastInsertId()
		for _, l := range []struct {
			by      Actor
			action  OpAction
			target  string
			summary string
		}{
			{byLogin, opAccountCreated, demoEmail, ""},
			{byLogin, opAccountActivated, demoEmail, change(StepActivate, StepSubject)},
			{byLogin, opSubjectSaved, "personal 张三", change("", "personal 张三")},
			{ByPerson(admin), opAdminBound, "demo_admin", ""},
			{ByPerson(admin), opRegistered, out.AppID, ""},
			{ByPerson(admin), opNameSet, "", change("", demoName)},
		} {
			if err := st.logActor(ctx, tx, account, l.by, l.action, l.target, l.summary, clock.t); err != nil {
				return err
			}
		}
		if err := st.setIconTx(ctx, tx, account, admin, icon); err != nil {
			return err
		}
		if err := st.demoMembersTx(ctx, tx, account, ids); err != nil {
			return err
		}
		secret, err := st.newSecretTx(ctx, tx, account, admin)
		if err != nil {
			return err
		}
		if err := st.seedDemoVersions(ctx, tx, account, ids, clock); err != nil {
			return err
		}
		return st.seedDemoTraffic(ctx, tx, demoTraffic{account: account, appid: out.AppID, secret: secret, people: ids, clock: clock, today: today})
	})
	return out, err
}

// demoClock is the moved clock the demo writes its history with.
type demoClock struct{ t time.Time }

func (c *demoClock) now() time.Time { return c.t }

// withClock is the store read through another clock: the demo moves it through the past
// month so that the store's own functions write the history.
func (s *Store) withClock(now func() time.Time) *Store {
	c := &Store{write: s.write, read: s.read, jwrite: s.jwrite, jread: s.jread, counters: s.counters, wr: s.wr, journal: s.journal, clocks: s.clocks, Now: now}
	c.ring.Store(s.ring.Load())
	return c
}

// demoPeopleTx inserts the demo people and the synthetic visitors, all with the demo's
// simulator password, and returns their IDs by WeChat ID.
func (s *Store) demoPeopleTx(ctx context.Context, tx *sql.Tx, wxHash, idNumber string) (map[string]int64, error) {
	ids := map[string]int64{}
	people := slices.Clone(demoPeople)
	for i := range demoVisitors {
		people = append(people, DemoPerson{WechatID: fmt.Sprintf("demo_visitor%02d", i+1), Nickname: fmt.Sprintf("访客%02d", i+1)})
	}
	for _, p := range people {
		realName, id := "", ""
		if p.Role == "admin" {
			realName, id = "张三", idNumber
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO people (wechat_id, nickname, password_hash, real_name, id_number, is_operator, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.WechatID, p.Nickname, wxHash, realName, id, p.Role == "reviewer", fmtTime(s.now()))
		if err != nil {
			return nil, fmt.Errorf("demo person %s: %w", p.WechatID, err)
		}
		ids[p.WechatID], _ = res.LastInsertId()
	}
	return ids, nil
}

// demoMembersTx makes the demo people members of the account, as the administrator.
func (s *Store) demoMembersTx(ctx context.Context, tx *sql.Tx, account int64, ids map[string]int64) error {
	admin := ids["demo_admin"]
	for _, p := range demoPeople {
		kind, roles := KindProject, p.Role
		switch p.Role {
		case "admin", "reviewer":
			continue
		case "experience":
			kind, roles = KindExperience, ""
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO members (account_id, person_id, kind, roles, status, added_by, added_at)
			VALUES (?, ?, ?, ?, 'active', ?, ?)`, account, ids[p.WechatID], kind, roles, admin, fmtTime(s.now())); err != nil {
			return fmt.Errorf("demo member %s: %w", p.WechatID, err)
		}
		if err := s.logOp(ctx, tx, account, admin, memberAdded[kind], p.WechatID, roles); err != nil {
			return err
		}
	}
	return nil
}

// demoIcon draws the demo account's icon: a white disc on WeChat green, as a PNG.
func demoIcon() []byte {
	const side = 144
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	green, white := color.RGBA{0x07, 0xc1, 0x60, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			dx, dy := x-side/2, y-side/2
			img.Set(x, y, green)
			if dx*dx+dy*dy < (side/4)*(side/4) {
				img.Set(x, y, white)
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
