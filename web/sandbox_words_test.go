package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

// The word list is a card of /dev/sandbox (SPEC §18): read-only rows with 修改 for those
// who use the sandbox tools, the form in place (htmx) or on the page; saving replaces the
// list that msg_sec_check reads. /dev/settings links to it.
func TestSecurityWordsSave(t *testing.T) {
	e := newAPIEnv(t)
	c := e.console(e.acct, e.admin)
	r := c.open("/dev/settings")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="security-words-link"] a[href="/dev/sandbox#security-words"]`).Length() != 1 {
		t.Fatal("/dev/settings has no link to the word list")
	}
	r = c.open("/dev/sandbox")
	if r.doc.Find(`[data-testid="security-words"] a[data-testid="edit-security-words"][href="/dev/sandbox/words"]`).Length() != 1 {
		t.Fatal("no edit link on the word list")
	}
	r = c.do("GET", "/dev/sandbox/words", nil, "", true)
	wantStatus(t, r, http.StatusOK)
	if r.fullPage() || r.doc.Find(`#security-words textarea[name="words"]`).Length() != 1 {
		t.Fatal("the form does not open in place")
	}
	modes(t, func(t *testing.T, htmx bool) {
		word := map[bool]string{false: "加微信", true: "代开发票"}[htmx]
		form := url.Values{"words": {word + " risky 10001\n\n刷单 返利 review 20008\n违禁词\n"}}
		wantRedirect(t, c.submit("/dev/sandbox/words", form, htmx), htmx, "/dev/sandbox")
		words, err := e.st.SecurityWords(context.Background(), e.acct.ID)
		want := []store.SecurityWord{{Word: word, Suggest: "risky", Label: 10001}, {Word: "刷单 返利", Suggest: "review", Label: 20008}, {Word: "违禁词", Suggest: "risky", Label: 21000}}
		if err != nil || len(words) != 3 || words[0] != want[0] || words[1] != want[1] || words[2] != want[2] {
			t.Fatalf("stored %+v, %v", words, err)
		}
		r := c.open("/dev/sandbox")
		rows := r.doc.Find(`[data-testid="security-word"]`)
		if rows.Length() != 3 || !strings.Contains(rows.First().Text(), word) || rows.Eq(1).AttrOr("data-suggest", "") != "review" || rows.Eq(1).AttrOr("data-label", "") != "20008" {
			t.Fatalf("page shows %q", rows.Text())
		}
		res := e.postJSON(t, withToken("/wxa/msg_sec_check", e.token()), map[string]any{"content": "快来" + word, "version": 2, "scene": 1, "openid": e.openid(e.admin)}).wantOK(t)
		if res["result"].(map[string]any)["suggest"] != "risky" {
			t.Errorf("msg_sec_check does not read the saved list: %v", res["result"])
		}
	})
	// A developer edits it too, as the sandbox tools are theirs as well (SPEC §18).
	dev, _ := e.activeMember(e.acct, "dev_one", "developer")
	wantStatus(t, e.console(e.acct, dev).get("/dev/sandbox/words"), http.StatusOK)
}

// The list's rules are field errors next to the text area, plainly and with htmx; the
// typed text is kept and the stored list unchanged.
func TestSecurityWordsErrors(t *testing.T) {
	e := newAPIEnv(t)
	c := e.console(e.acct, e.admin)
	if err := e.st.SetSecurityWords(context.Background(), e.acct.ID, e.admin.ID, []store.SecurityWord{{Word: "原有", Suggest: "risky", Label: 21000}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, text, code string }{
		{"label not listed", "刷单 risky 12345", "security_label_invalid"},
		{"word over 50", strings.Repeat("长", 51), "security_word_invalid"},
		{"over 200 entries", strings.Repeat("词\n", 201), "security_words_quota"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				r := c.submit("/dev/sandbox/words", url.Values{"words": {tc.text}}, htmx)
				wantFieldError(t, r, htmx, "words", tc.code)
				if got := r.doc.Find(`textarea[name="words"]`).Text(); got != tc.text {
					t.Errorf("the form shows %.40q, want the typed text", got)
				}
				if words, _ := e.st.SecurityWords(context.Background(), e.acct.ID); len(words) != 1 || words[0].Word != "原有" {
					t.Fatalf("a refused list changed the stored one: %+v", words)
				}
			})
		})
	}
}
