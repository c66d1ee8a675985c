package store

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// Every change an account can go through leaves its row in the operation log (SPEC §16):
// who (a person, the login during registration, or the platform for ops decisions), the
// action, its target and a before → after summary, and the client's address; never a
// password, secret or key. Together with the versions' own test (TestEveryVersionStepIsLogged
// and the tests of rejection and the automatic full release) every action of OpActions is
// written by some test.
func TestEveryChangeIsLogged(t *testing.T) {
	f := newFixture(t)
	f.ctx = WithClientIP(f.ctx, netip.MustParseAddr("::ffff:203.0.113.7"))
	ctx, st := f.ctx, f.st
	admin := f.person("audit_admin")
	reviewer := f.person("audit_reviewer")
	must(t, st.SetOperator(ctx, reviewer.WechatID, true))
	decide := func(kind string, id int64, approve bool, reason string) {
		t.Helper()
		must(t, st.Decide(ctx, kind, id, reviewer.ID, approve, reason))
	}
	scanned := func(purpose string, accountID int64) string {
		t.Helper()
		token := f.scan(purpose, accountID)
		_, err := st.DecideScan(ctx, token, admin.ID, true)
		must(t, err)
		return token
	}

	id := f.register("audit@example.com")
	must(t, st.ResendActivation(ctx, "audit@example.com", f.mailer))
	_, err := st.Activate(ctx, f.lastToken())
	must(t, err)
	must(t, st.SaveSubject(ctx, id, subjectOf(admin, "personal")))
	bind := scanned(PurposeBindAdmin, id)
	must(t, st.CompleteBindAdmin(ctx, bind, id))
	a, err := st.ConfirmRegistration(ctx, id)
	must(t, err)

	must(t, st.SetName(ctx, a.ID, admin.ID, "审计工具"))
	must(t, st.SetName(ctx, a.ID, admin.ID, "审计工具箱"))
	must(t, st.SetIcon(ctx, a.ID, admin.ID, bytes.NewReader(biPNG(32, 32))))
	must(t, st.SetIntro(ctx, a.ID, admin.ID, "一个用来检查操作日志的小工具"))
	must(t, st.AddCategory(ctx, a.ID, admin.ID, "tool", "tool.weather"))
	qualified := func() int64 {
		must(t, st.AddCategory(ctx, a.ID, admin.ID, "education", "education.online"))
		return int64(f.count(`SELECT id FROM account_categories WHERE account_id = ? AND second = 'education.online'`, a.ID))
	}
	decide(ReviewCategory, qualified(), false, "缺少资质")
	must(t, st.DeleteCategory(ctx, a.ID, admin.ID, int64(f.count(`SELECT id FROM account_categories WHERE second = 'education.online'`))))
	decide(ReviewCategory, qualified(), true, "")

	form := FilingForm{ResponsibleName: "张三", ResponsibleIDNumber: admin.IDNumber, ResponsiblePhone: "13800138000", ServiceContent: "日志检查服务"}
	must(t, st.SaveFiling(ctx, a.ID, admin.ID, form, false))
	must(t, st.SaveFiling(ctx, a.ID, admin.ID, form, true))
	must(t, st.WithdrawFiling(ctx, a.ID, admin.ID))
	must(t, st.SaveFiling(ctx, a.ID, admin.ID, form, true))
	filing, err := st.FilingOf(ctx, a.ID)
	must(t, err)
	decide(ReviewFiling, filing.ID, false, "负责人信息有误")
	must(t, st.SaveFiling(ctx, a.ID, admin.ID, form, true))
	decide(ReviewFiling, filing.ID, true, "")
	must(t, st.ConfirmFilingSMS(ctx, a.ID, admin.ID))
	decide(ReviewFiling, filing.ID, true, "")
	filing, err = st.FilingOf(ctx, a.ID)
	must(t, err)

	auth := AuthForm{ContactName: "李四", ContactPhone: "13900139000", InvoiceTitle: "张三"}
	must(t, st.SubmitAuthentication(ctx, a.ID, admin.ID, auth))
	req, err := st.LatestAuthentication(ctx, a.ID)
	must(t, err)
	decide(ReviewAuth, req.ID, false, "联系人电话无法接通")
	must(t, st.SubmitAuthentication(ctx, a.ID, admin.ID, auth))
	req, err = st.LatestAuthentication(ctx, a.ID)
	must(t, err)
	decide(ReviewAuth, req.ID, true, "")

	dev, no, tester := f.person("audit_dev"), f.person("audit_no"), f.person("audit_tester")
	m, err := st.AddProjectMember(ctx, a.ID, admin.ID, dev.WechatID, []string{"developer"})
	must(t, err)
	must(t, st.DecideInvitation(ctx, dev.ID, m.ID, true))
	must(t, st.SetProjectRoles(ctx, a.ID, admin.ID, m.ID, []string{"developer", "operator"}))
	must(t, st.RemoveMember(ctx, a.ID, admin.ID, KindProject, m.ID))
	invited, err := st.AddProjectMember(ctx, a.ID, admin.ID, no.WechatID, []string{"analyst"})
	must(t, err)
	must(t, st.DecideInvitation(ctx, no.ID, invited.ID, false))
	exp, err := st.AddExperienceMember(ctx, a.ID, dev.ID, tester.WechatID)
	must(t, err)
	must(t, st.RemoveMember(ctx, a.ID, admin.ID, KindExperience, exp.ID))

	secret := func() string {
		t.Helper()
		token := scanned(PurposeResetSecret, a.ID)
		must(t, st.CompleteSecretReset(ctx, token, a.ID))
		s, err := st.TakeOneTime(ctx, OneTimeAppSecret, token, a.ID)
		must(t, err)
		return s
	}
	first, second := secret(), secret()
	must(t, st.CompleteSecretFreeze(ctx, scanned(PurposeFreezeSecret, a.ID), a.ID, true, 0))
	must(t, st.CompleteSecretFreeze(ctx, scanned(PurposeFreezeSecret, a.ID), a.ID, false, 0))
	must(t, st.SetIPWhitelist(ctx, a.ID, admin.ID, []string{"10.0.0.1"}))
	must(t, st.SetIPWhitelist(ctx, a.ID, admin.ID, []string{"10.0.0.1", "192.168.0.0/16"}))
	must(t, st.SetWhitelistMode(ctx, a.ID, admin.ID, WhitelistLogOnly))
	must(t, st.SetServerDomains(ctx, a.ID, admin.ID, map[string][]string{"request": {"https://api.example.com"}, "socket": {"wss://ws.example.com"}}))
	newPassword := "N3w-passw0rd!"
	must(t, st.ChangeAccountPassword(ctx, a.ID, admin.ID, "", PasswordChange{Current: goodPassword, New: newPassword, Confirm: newPassword}))
	uploadKey := func() string {
		token := scanned(PurposeUploadKey, a.ID)
		must(t, st.CompleteUploadKeyReset(ctx, token, a.ID))
		k, err := st.TakeOneTime(ctx, OneTimeUploadKey, token, a.ID)
		must(t, err)
		return k
	}
	key1, key2 := uploadKey(), uploadKey()
	must(t, st.SetUploadKeyIPs(ctx, a.ID, admin.ID, []string{"10.1.2.*"}))
	tmpl, err := st.AddMessageTemplateAs(ctx, a.ID, admin.ID, 1927, []int{1, 2}, "")
	must(t, err)
	must(t, st.DeleteMessageTemplateAs(ctx, a.ID, admin.ID, tmpl))
	must(t, st.SetSecurityWords(ctx, a.ID, admin.ID, []SecurityWord{{"赌博", "risky", 20006}}))
	sbKey, err := st.CreateSandboxToken(ctx, a.ID, admin.ID, "backend CI")
	must(t, err)
	sbToken, err := st.TakeOneTime(ctx, OneTimeSandboxToken, sbKey, a.ID)
	must(t, err)
	sbTokens, err := st.SandboxTokens(ctx, a.ID)
	must(t, err)
	must(t, st.RevokeSandboxToken(ctx, a.ID, admin.ID, sbTokens[0].ID))
	snap, err := st.CreateSnapshot(ctx, a.ID)
	must(t, err)
	must(t, st.RestoreSnapshot(ctx, a.ID, snap.ID))

	heir, err := st.CreatePerson(ctx, NewPerson{WechatID: "audit_heir", Nickname: "继任者", Password: "wx-pass", RealName: admin.RealName, IDNumber: admin.IDNumber})
	must(t, err)
	tr, err := st.StartTransfer(ctx, a.ID, heir.WechatID, Requester{})
	must(t, err)
	_, err = st.DecideScan(ctx, tr.OldToken, admin.ID, true)
	must(t, err)
	_, err = st.DecideScan(ctx, tr.NewToken, heir.ID, true)
	must(t, err)
	_, err = st.CompleteTransfer(ctx, a.ID, tr.OldToken, tr.NewToken)
	must(t, err)

	log := logOf(t, st, a.ID)
	var got []string
	for i := len(log) - 1; i >= 0; i-- {
		l := log[i]
		got = append(got, strings.TrimSpace(strings.Join(strings.Fields(l.Actor()+" "+l.Action+" "+l.Target), " ")+" | "+l.Summary))
		if l.ClientIP != "203.0.113.7" {
			t.Errorf("%s has client IP %q", l.Action, l.ClientIP)
		}
		for _, hidden := range []string{goodPassword, newPassword, first, second, key1, key2, sbToken, admin.IDNumber} {
			if strings.Contains(l.Target+l.Summary, hidden) {
				t.Errorf("%s shows a password, secret, key or ID number: %+v", l.Action, l)
			}
		}
	}
	want := []string{
		"login account_created audit@example.com |",
		"login activation_resent audit@example.com |",
		"login account_activated audit@example.com | activate → subject",
		"login subject_saved personal 张三 | — → personal 张三",
		"audit_admin admin_bound audit_admin |",
		"audit_admin registered " + a.AppID + " |",
		"audit_admin name_set | — → 审计工具",
		"audit_admin name_set | 审计工具 → 审计工具箱",
		"audit_admin icon_set |",
		"audit_admin intro_set | — → 一个用来检查操作日志的小工具",
		"audit_admin category_added tool.weather | approved",
		"audit_admin category_added education.online | reviewing",
		"platform category_rejected education.online | 缺少资质",
		"audit_admin category_deleted education.online |",
		"audit_admin category_added education.online | reviewing",
		"platform category_approved education.online |",
		"audit_admin filing_saved | none → draft",
		"audit_admin filing_submitted | draft → platform_review",
		"audit_admin filing_withdrawn | platform_review → draft",
		"audit_admin filing_submitted | draft → platform_review",
		"platform filing_rejected | 负责人信息有误",
		"audit_admin filing_submitted | rejected → platform_review",
		"platform filing_approved_platform_review | platform_review → sms_verification",
		"audit_admin filing_sms_confirmed | sms_verification → authority_review",
		"platform filing_approved_authority_review " + filing.Number + " | authority_review → filed",
		"audit_admin auth_submitted 张三 |",
		"platform auth_rejected | 联系人电话无法接通",
		"audit_admin auth_submitted 张三 |",
		"platform auth_approved | — → " + PlatformDay(AuthValidUntil(f.clock.Now())),
		"audit_admin project_member_added audit_dev | developer",
		"audit_dev invitation_accepted audit_dev | invited → active",
		"audit_admin project_member_roles audit_dev | developer → operator developer",
		"audit_admin project_member_removed audit_dev |",
		"audit_admin project_member_added audit_no | analyst",
		"audit_no invitation_declined audit_no | invited → declined",
		"audit_dev experience_member_added audit_tester |",
		"audit_admin experience_member_removed audit_tester |",
		"audit_admin secret_generated |",
		"audit_admin secret_reset |",
		"audit_admin secret_frozen | active → frozen",
		"audit_admin secret_unfrozen | frozen → active",
		"audit_admin ip_whitelist_set | — → 10.0.0.1",
		"audit_admin ip_whitelist_set | 10.0.0.1 → 10.0.0.1, 192.168.0.0/16",
		"audit_admin whitelist_mode_set | strict → log-only",
		"audit_admin domains_set request, socket | request 0 → 1, socket 0 → 1",
		"audit_admin password_changed |",
		"audit_admin upload_key_generated |",
		"audit_admin upload_key_reset |",
		"audit_admin upload_key_ips_set | — → 10.1.2.*",
		"audit_admin message_template_added 付款成功通知 | " + tmpl,
		"audit_admin message_template_deleted 付款成功通知 | " + tmpl,
		"audit_admin security_words_set | 0 → 1",
		"audit_admin sandbox_token_created backend CI |",
		"audit_admin sandbox_token_revoked backend CI |",
		fmt.Sprintf("platform sandbox_restored #%d |", snap.ID),
		"audit_admin admin_transferred audit_heir | audit_admin → audit_heir",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	seen := map[string]bool{}
	for _, l := range log {
		seen[l.Action] = true
	}
	for approve, code := range map[bool]string{true: "subject_approved", false: "subject_rejected"} {
		org := f.account(code+"@example.com", admin, "enterprise")
		decide(ReviewSubject, org.ID, approve, "营业执照不清晰")
		if l := logOf(t, st, org.ID)[0]; l.Action != code || l.Actor() != ActorPlatform || l.Target != "示例科技有限公司" {
			t.Fatalf("subject decision logged as %+v", l)
		}
		seen[code] = true
	}
	versions := []string{"version_uploaded", "version_deleted", "trial_set", "review_submitted", "review_withdrawn", "code_approved",
		"code_rejected", "version_released", "phase_percent_set", "phase_paused", "phase_resumed", "phase_full", "phase_cancelled",
		"phase_auto_full", "version_rolled_back"}
	for _, code := range OpActions() {
		if !seen[code] && !slices.Contains(versions, code) {
			t.Errorf("no test here writes %s", code)
		}
	}
}
