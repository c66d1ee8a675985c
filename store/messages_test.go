package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// paymentData is valid data for tid 1927 with kids 1, 2, 3.
func paymentData() map[string]string {
	return map[string]string{"character_string1": "P20191001150100", "amount2": "104.00元", "date3": "2019年10月1日 15:01"}
}

// subscribeEnv has a template of tid 1927 (kids 1, 2, 3) in e's account.
func subscribeEnv(t *testing.T, e *apiEnv) string {
	t.Helper()
	id, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, "1927", []int{1, 2, 3}, "")
	must(t, err)
	return id
}

// Subscribing needs an opened mini program and one of its templates; each acceptance adds
// one send.
func TestAcceptSubscription(t *testing.T) {
	e := newAPIEnv(t)
	id := subscribeEnv(t, e)
	if err := e.st.AcceptSubscription(e.ctx, e.stranger.ID, e.acct.AppID, id); !errors.Is(err, ErrForbidden) {
		t.Fatalf("never opened: %v, want ErrForbidden", err)
	}
	if err := e.st.AcceptSubscription(e.ctx, e.user.ID, e.acct.AppID, "no-such-template"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown template: %v, want ErrNotFound", err)
	}
	if _, err := e.st.MessageOffers(e.ctx, e.stranger.ID, e.acct.AppID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("offers to a stranger: %v", err)
	}
	must(t, e.st.AcceptSubscription(e.ctx, e.user.ID, e.acct.AppID, id))
	must(t, e.st.AcceptSubscription(e.ctx, e.user.ID, e.acct.AppID, id))
	offers, err := e.st.MessageOffers(e.ctx, e.user.ID, e.acct.AppID)
	must(t, err)
	if len(offers) != 1 || offers[0].Template.PriTmplID != id || offers[0].Remaining != 2 {
		t.Fatalf("offers = %+v, want the template with 2 sends", offers)
	}
	if offers, _ := e.st.MessageOffers(e.ctx, e.admin.ID, e.acct.AppID); len(offers) != 1 || offers[0].Remaining != 0 {
		t.Fatalf("another person's offers = %+v", offers)
	}
}

// Every refusal of subscribe/send with its errcode, in order; none spends the subscription.
func TestSendRefusals(t *testing.T) {
	f := newFixture(t)
	e := newAPIEnvIn(f, "")
	other := newAPIEnvIn(f.sub(t), "2")
	id := subscribeEnv(t, e)
	otherID := subscribeEnv(t, other)
	user := e.openid(e.user)
	must(t, e.st.AcceptSubscription(e.ctx, e.user.ID, e.acct.AppID, id))
	send := func(touser, tmpl string, data map[string]string, state, lang string) error {
		_, err := e.st.SendSubscribeMessage(e.ctx, e.acct.ID, touser, tmpl, "pages/index/index", data, state, lang)
		return err
	}
	with := func(key, value string) map[string]string {
		d := paymentData()
		if value == "" {
			delete(d, key)
		} else {
			d[key] = value
		}
		return d
	}
	for _, tc := range []struct {
		name         string
		touser, tmpl string
		data         map[string]string
		state, lang  string
		want         APIError
		wantMessage  string
	}{
		{"magic touser", "magic-43101", id, paymentData(), "", "", 43101, ""},
		{"unknown state", user, id, paymentData(), "release", "", 40097, ""},
		{"unknown lang", user, id, paymentData(), "", "fr_FR", 40097, ""},
		{"unknown openid", "o-no-such-openid", id, paymentData(), "", "", 40003, ""},
		{"empty touser", "", id, paymentData(), "", "", 40003, ""},
		{"another app's openid", other.openid(other.user), id, paymentData(), "", "", 40003, ""},
		{"unknown template", user, "no-such-template", paymentData(), "", "", 40037, ""},
		{"another account's template", user, otherID, paymentData(), "", "", 40037, ""},
		{"not subscribed", e.openid(e.admin), id, paymentData(), "", "", 43101, ""},
		{"a key missing", user, id, with("amount2", ""), "", "", 47003, "argument invalid! data.amount2.value is empty"},
		{"keys with .DATA", user, id, map[string]string{"character_string1.DATA": "P1"}, "", "", 47003,
			"argument invalid! data.character_string1.value is empty"},
		{"an amount with two signs", user, id, with("amount2", "¥¥1"), "", "", 47003, "argument invalid! data.amount2.value invalid"},
		{"a date that is a time", user, id, with("date3", "15:01"), "", "", 47003, "argument invalid! data.date3.value invalid"},
		{"a string of 33", user, id, with("character_string1", strings.Repeat("A", 33)), "", "", 47003,
			"argument invalid! data.character_string1.value invalid"},
	} {
		err := send(tc.touser, tc.tmpl, tc.data, tc.state, tc.lang)
		var got APIError
		if !errors.As(err, &got) || got != tc.want {
			t.Errorf("%s: err = %v, want %d", tc.name, err, tc.want)
			continue
		}
		var arg *ArgumentError
		if tc.wantMessage != "" && (!errors.As(err, &arg) || arg.Error() != tc.wantMessage) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.wantMessage)
		}
	}
	if n := e.count(`SELECT remaining FROM message_grants`); n != 1 {
		t.Fatalf("refusals spent the subscription: %d left", n)
	}
	if n := e.count(`SELECT count(*) FROM notices`); n != 0 {
		t.Fatalf("refusals delivered %d notices", n)
	}
	// Values at their limits pass.
	if err := send(user, id, with("character_string1", strings.Repeat("A", 32)), "developer", "en_US"); err != nil {
		t.Fatalf("a valid message: %v", err)
	}
}

// One acceptance is one send: two acceptances allow two messages, the third is 43101;
// each delivered message is a notice rendered from the template, newest first.
func TestSendDeliversNotices(t *testing.T) {
	e := newAPIEnv(t)
	id := subscribeEnv(t, e)
	user := e.openid(e.user)
	must(t, e.st.AcceptSubscription(e.ctx, e.user.ID, e.acct.AppID, id))
	must(t, e.st.AcceptSubscription(e.ctx, e.user.ID, e.acct.AppID, id))
	calls := e.apiCalls()
	first, err := e.st.SendSubscribeMessage(e.ctx, e.acct.ID, user, id, "pages/order/detail?id=7", paymentData(), "developer", "")
	must(t, err)
	e.clock.Advance(time.Minute)
	data := paymentData()
	data["amount2"] = "¥5"
	data["extra9"] = "ignored"
	second, err := e.st.SendSubscribeMessage(e.ctx, e.acct.ID, user, id, "", data, "", "en_US")
	must(t, err)
	if first == 0 || second == first {
		t.Fatalf("msgids %d, %d", first, second)
	}
	_, err = e.st.SendSubscribeMessage(e.ctx, e.acct.ID, user, id, "", paymentData(), "", "")
	wantAPIError(t, err, 43101)
	if e.apiCalls() != calls+2 {
		t.Fatalf("api calls %d, want %d", e.apiCalls(), calls+2)
	}

	notices, err := e.st.Notices(e.ctx, e.user.ID)
	must(t, err)
	if len(notices) != 2 {
		t.Fatalf("%d notices, want 2", len(notices))
	}
	n := notices[1]
	if n.ID != first || n.AppID != e.acct.AppID || n.TID != 1927 || n.Title != "付款成功通知" || n.Page != "pages/order/detail?id=7" ||
		n.State != "developer" || n.Env() != "develop" || n.Lang != "zh_CN" || !n.SentAt.Equal(e.st.Now().Add(-time.Minute)) {
		t.Fatalf("first notice %+v", n)
	}
	want := []NoticeLine{{"character_string1", 1, "付款单号", "P20191001150100"}, {"amount2", 2, "付款金额", "104.00元"},
		{"date3", 3, "付款时间", "2019年10月1日 15:01"}}
	for i, l := range want {
		if n.Lines[i] != l {
			t.Errorf("line %d = %+v, want %+v", i, n.Lines[i], l)
		}
	}
	if n := notices[0]; n.ID != second || n.State != "formal" || n.Env() != "release" || n.Lang != "en_US" || n.Page != "" ||
		len(n.Lines) != 3 || n.Lines[1].Value != "¥5" {
		t.Fatalf("newest notice %+v", n)
	}
	if others, _ := e.st.Notices(e.ctx, e.admin.ID); len(others) != 0 {
		t.Fatalf("another person sees %d notices", len(others))
	}
	// Deleting the template leaves delivered notices readable.
	must(t, e.st.DeleteMessageTemplate(e.ctx, e.acct.ID, id))
	if after, _ := e.st.Notices(e.ctx, e.user.ID); len(after) != 2 || after[1].Lines[0].Name != "付款单号" {
		t.Fatalf("after deleting the template: %+v", after)
	}
}

// For the formal state the page must be a page of the released package (41030), as
// must be any page when nothing is released; the other states do not check it.
func TestSendChecksReleasedPage(t *testing.T) {
	e := newVerEnv(t, "personal")
	api := &apiEnv{fixture: e.fixture, admin: e.admin, user: e.tester, acct: e.acct}
	api.open(e.tester)
	id := subscribeEnv(t, api)
	user := api.openid(e.tester)
	send := func(page, state string) error {
		t.Helper()
		must(t, e.st.AcceptSubscription(e.ctx, e.tester.ID, e.acct.AppID, id))
		_, err := e.st.SendSubscribeMessage(e.ctx, e.acct.ID, user, id, page, paymentData(), state, "")
		return err
	}
	wantAPIError(t, send("pages/index/index", "formal"), 41030) // not released
	must(t, send("pages/index/index", "developer"))
	must(t, send("pages/anything", "trial"))
	e.ready()
	e.released("1.0.0", ModeFull, PhasePlan{})
	must(t, send("pages/about/about?from=notice", "formal"))
	must(t, send("/pages/index/index", ""))
	must(t, send("", "formal"))
	wantAPIError(t, send("pages/missing/missing", "formal"), 41030)
}

// A notice's link opens the environment of its state.
func TestNoticeEnv(t *testing.T) {
	for state, env := range map[string]string{"formal": "release", "trial": "trial", "developer": "develop"} {
		if got := (Notice{State: state}).Env(); got != env {
			t.Errorf("state %s opens %q, want %q", state, got, env)
		}
	}
}
