package store

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The word list's text form: "WORD [review|risky] [LABEL]", risky and 21000 by default.
func TestParseSecurityWords(t *testing.T) {
	got, err := ParseSecurityWords("赌博\n\n  代开发票 risky 20008 \nfree money review\n加微信 review 10001\n买 iPhone 15 review 10001\n")
	must(t, err)
	want := []SecurityWord{{"赌博", "risky", 21000}, {"代开发票", "risky", 20008}, {"free money", "review", 21000},
		{"加微信", "review", 10001}, {"买 iPhone 15", "review", 10001}}
	if len(got) != len(want) {
		t.Fatalf("parsed %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if again, _ := ParseSecurityWords(FormatSecurityWords(got)); len(again) != len(got) || again[2] != got[2] {
		t.Errorf("FormatSecurityWords does not read back: %+v", again)
	}
	for text, code := range map[string]string{
		"word risky 12345":                       "security_label_invalid",
		"买 iPhone 15":                            "security_label_invalid",
		strings.Repeat("字", 51):                  "security_word_invalid",
		strings.Repeat("w\n", 201):               "security_words_quota",
		"ok\nbad\u0007word":                      "security_word_invalid",
		strings.Repeat("字", 50) + " risky 20001": "",
	} {
		_, err := ParseSecurityWords(text)
		if code == "" {
			must(t, err)
			continue
		}
		wantCode(t, err, "words", code)
	}
}

// The list is the administrator's and developers' (ActEditDev); duplicates keep their first entry.
func TestSetSecurityWords(t *testing.T) {
	e := newVerEnv(t, "personal")
	words := []SecurityWord{{"赌博", "risky", 20006}, {"Free Money", "review", 10001}, {"free money", "risky", 20008}}
	for role, p := range map[string]Person{"operator": e.operator, "analyst": e.analyst, "stranger": e.stranger} {
		if err := e.st.SetSecurityWords(e.ctx, e.acct.ID, p.ID, words); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s sets the list: %v, want ErrForbidden", role, err)
		}
	}
	wantCode(t, e.st.SetSecurityWords(e.ctx, e.acct.ID, e.developer.ID, []SecurityWord{{"x", "pass", 100}}), "words", "security_word_invalid")
	must(t, e.st.SetSecurityWords(e.ctx, e.acct.ID, e.developer.ID, words))
	got, err := e.st.SecurityWords(e.ctx, e.acct.ID)
	must(t, err)
	if len(got) != 2 || got[0] != words[0] || got[1] != words[1] {
		t.Fatalf("stored %+v", got)
	}
	if entry := e.lastLog(); entry.Action != "security_words_set" || entry.PersonID != e.developer.ID || entry.Detail != "2" {
		t.Fatalf("log entry %+v", entry)
	}
	must(t, e.st.SetSecurityWords(e.ctx, e.acct.ID, e.admin.ID, nil))
	if got, _ := e.st.SecurityWords(e.ctx, e.acct.ID); len(got) != 0 {
		t.Fatalf("the list was not emptied: %+v", got)
	}
}

// msg_sec_check: pass with label 100 by default, the most severe listed word otherwise,
// and the real refusals for the scene and the openid.
func TestCheckText(t *testing.T) {
	f := newFixture(t)
	e := newAPIEnvIn(f, "")
	other := newAPIEnvIn(f.sub(t), "2")
	user := e.openid(e.user)
	check := func(content string) SecCheck {
		t.Helper()
		out, err := e.st.CheckText(e.ctx, e.acct.ID, user, content, 2)
		must(t, err)
		return out
	}
	calls := e.apiCalls()
	out := check("今天天气不错")
	if out.Result != (SecResult{"pass", 100}) || len(out.Detail) != 2 || out.Detail[0] != (SecDetail{Strategy: "content_model", Suggest: "pass", Label: 100, Prob: 90}) ||
		out.Detail[1] != (SecDetail{Strategy: "keyword"}) {
		t.Fatalf("default verdict %+v", out)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`).MatchString(out.TraceID) || e.apiCalls() != calls+1 {
		t.Fatalf("trace_id %q, calls %d", out.TraceID, e.apiCalls())
	}

	must(t, e.st.SetSecurityWords(e.ctx, e.acct.ID, e.admin.ID, []SecurityWord{{"加微信", "review", 10001}, {"FREE MONEY", "review", 20008},
		{"赌博", "risky", 20006}, {"代开发票", "risky", 20008}}))
	for content, want := range map[string]SecDetail{
		"欢迎加微信了解":            {Strategy: "keyword", Suggest: "review", Label: 10001, Keyword: "加微信"},
		"get free money now": {Strategy: "keyword", Suggest: "review", Label: 20008, Keyword: "FREE MONEY"},
		"加微信一起赌博":            {Strategy: "keyword", Suggest: "risky", Label: 20006, Keyword: "赌博"},
		"代开发票，赌博":            {Strategy: "keyword", Suggest: "risky", Label: 20006, Keyword: "赌博"},
		"普通的内容":              {Strategy: "keyword"},
	} {
		out := check(content)
		if out.Detail[1] != want {
			t.Errorf("%q: keyword detail %+v, want %+v", content, out.Detail[1], want)
		}
		wantResult := SecResult{"pass", 100}
		if want.Suggest != "" {
			wantResult = SecResult{want.Suggest, want.Label}
		}
		if out.Result != wantResult {
			t.Errorf("%q: result %+v, want %+v", content, out.Result, wantResult)
		}
	}

	for _, scene := range []int{0, 5} {
		_, err := e.st.CheckText(e.ctx, e.acct.ID, user, "x", scene)
		wantAPIError(t, err, 40129)
	}
	for _, scene := range []int{1, 4} {
		if _, err := e.st.CheckText(e.ctx, e.acct.ID, user, "x", scene); err != nil {
			t.Errorf("scene %d: %v", scene, err)
		}
	}
	_, err := e.st.CheckText(e.ctx, e.acct.ID, "o-no-such-openid", "x", 1)
	wantAPIError(t, err, 40003)
	_, err = e.st.CheckText(e.ctx, e.acct.ID, other.openid(other.user), "x", 1)
	wantAPIError(t, err, 43104)

	// The person must have opened the mini program within the last 2 hours.
	e.clock.Advance(2 * time.Hour)
	if _, err := e.st.CheckText(e.ctx, e.acct.ID, user, "x", 1); err != nil {
		t.Fatalf("exactly 2 hours after opening: %v", err)
	}
	e.clock.Advance(time.Second)
	_, err = e.st.CheckText(e.ctx, e.acct.ID, user, "x", 1)
	wantAPIError(t, err, 61010)
	e.open(e.user)
	if _, err := e.st.CheckText(e.ctx, e.acct.ID, user, "x", 1); err != nil {
		t.Fatalf("after opening again: %v", err)
	}
}
