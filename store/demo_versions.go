package store

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// demoPages are the pages of every demo package's app.json.
var demoPages = []string{"pages/index/index", "pages/goods/goods", "pages/cart/cart"}

// seedDemoVersions gives the demo account what the versions page shows, so every block has
// something on first run: a complete basic info and a filing (so the review and release
// rules can be tried), version 1.0.0 online, 1.1.0 from CI robot 1 waiting for review,
// 1.1.1 from the developer as the trial version, and 1.2.0 in development by the
// administrator. It writes the operation log as the real steps would.
func (s *Store) seedDemoVersions(ctx context.Context, tx *sql.Tx, account int64, ids map[string]int64) error {
	admin, developer := ids["demo_admin"], ids["demo_developer"]
	now := fmtTime(s.now())
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET intro = ? WHERE id = ?`, "演示用的商城小程序：浏览商品、加入购物车、下单。", account); err != nil {
		return fmt.Errorf("demo intro: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO account_categories (account_id, first, second, status, created_at)
		VALUES (?, 'tool', 'tool.booking', 'approved', ?)`, account, now); err != nil {
		return fmt.Errorf("demo category: %w", err)
	}
	number, err := s.filingNumber(ctx, tx, account)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO filings (account_id, status, responsible_name, responsible_id_number, responsible_phone,
		service_content, number, created_at, updated_at, filed_at) SELECT id, 'filed', admin_name, admin_id_number, admin_phone, ?, ?, ?, ?, ?
		FROM accounts WHERE id = ?`, "在线商城演示", number, now, now, now, account); err != nil {
		return fmt.Errorf("demo filing: %w", err)
	}
	upload := func(by Actor, version, desc string) (int64, error) {
		pkg, err := readPackage(bytes.NewReader(demoPackage(version)))
		if err != nil {
			return 0, err
		}
		return s.uploadTx(ctx, tx, account, by, version, desc, &pkg)
	}
	online, err := upload(ByPerson(admin), "1.0.0", "首个正式版本")
	if err != nil {
		return err
	}
	if err := s.demoReview(ctx, tx, account, admin, online, "1.0.0", CodeReleased); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO releases (account_id, version_id, mode, person_id, released_at) VALUES (?, ?, 'full', ?, ?)`,
		account, online, admin, now); err != nil {
		return fmt.Errorf("demo release: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET first_released_at = ? WHERE id = ?`, now, account); err != nil {
		return fmt.Errorf("demo released: %w", err)
	}
	if err := s.logOp(ctx, tx, account, admin, "version_released", "1.0.0 full"); err != nil {
		return err
	}
	review, err := upload(ByRobot(1), "1.1.0", "购物车支持优惠券")
	if err != nil {
		return err
	}
	if err := s.demoReview(ctx, tx, account, admin, review, "1.1.0", CodePending); err != nil {
		return err
	}
	trial, err := upload(ByPerson(developer), "1.1.1", "修复购物车数量显示")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE versions SET trial = 1 WHERE id = ?`, trial); err != nil {
		return fmt.Errorf("demo trial: %w", err)
	}
	if err := s.logOp(ctx, tx, account, developer, "trial_set", "1.1.1"); err != nil {
		return err
	}
	_, err = upload(ByPerson(admin), "1.2.0", "新首页开发中")
	return err
}

// demoReview records the administrator's submission of version (named name) with one page
// group, in state status.
func (s *Store) demoReview(ctx context.Context, tx *sql.Tx, account, admin, version int64, name, status string) error {
	groups, _ := json.Marshal([]ReviewGroup{{Page: demoPages[0], First: "tool", Second: "tool.booking", Tags: []string{"商城", "购物"}}})
	now := fmtTime(s.now())
	var decided, closed any
	if status == CodeReleased {
		decided, closed = now, now
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO code_reviews (account_id, version_id, groups, status, person_id, submitted_at, decided_at, closed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, account, version, string(groups), status, admin, now, decided, closed); err != nil {
		return fmt.Errorf("demo review: %w", err)
	}
	return s.logOp(ctx, tx, account, admin, "review_submitted", name)
}

// demoPackage builds a small mini-program package whose app.js names the version, so each
// version has its own package.
func demoPackage(version string) []byte {
	app, _ := json.Marshal(map[string]any{"pages": demoPages, "window": map[string]string{"navigationBarTitleText": "演示商城"}})
	files := [][2]string{{"app.json", string(app)}, {"app.js", "App({ version: '" + version + "' })\n"}, {"app.wxss", "page { color: #333; }\n"}}
	for _, p := range demoPages {
		files = append(files, [2]string{p + ".js", "Page({})\n"}, [2]string{p + ".wxml", "<view>" + p + "</view>\n"})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, _ := zw.Create(f[0])
		w.Write([]byte(f[1]))
	}
	zw.Close()
	return buf.Bytes()
}
