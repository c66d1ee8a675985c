package views

import (
	"context"
	"fmt"
	"testing"

	"mpconsole/store"
)

// The catalog names every template and keyword of the library in both languages, its
// Chinese exactly the platform's that the API answers; and every keyword type, label,
// verdict, state and error code of the server API has its text.
func TestServerAPICatalog(t *testing.T) {
	zh := WithLanguage(context.Background(), "zh-CN")
	en := WithLanguage(context.Background(), "en")
	for _, tpl := range store.MessageLibrary {
		if got := MessageTitle(zh, tpl.TID, ""); got != tpl.Title {
			t.Errorf("zh-CN title of %d = %q, the library says %q", tpl.TID, got, tpl.Title)
		}
		if got := MessageTitle(en, tpl.TID, ""); got == "" || got == tpl.Title {
			t.Errorf("en title of %d = %q", tpl.TID, got)
		}
		for _, k := range tpl.Keywords {
			if got := KeywordName(zh, tpl.TID, k.KID, ""); got != k.Name {
				t.Errorf("zh-CN name of %d %s = %q, the library says %q", tpl.TID, k.Key(), got, k.Name)
			}
			if got := KeywordName(en, tpl.TID, k.KID, ""); got == "" {
				t.Errorf("no en name for %d %s", tpl.TID, k.Key())
			}
		}
	}
	var ids []string
	for _, r := range store.KeywordRules {
		ids = append(ids, "msg.rule."+r)
	}
	for _, l := range append([]int{store.LabelNormal}, store.SecurityLabels...) {
		ids = append(ids, fmt.Sprintf("security.label.%d", l))
	}
	for _, s := range []string{store.SuggestPass, store.SuggestReview, store.SuggestRisky} {
		ids = append(ids, "security.suggest."+s)
	}
	for _, s := range []string{store.StateDeveloper, store.StateTrial, store.StateFormal} {
		ids = append(ids, "msg.state."+s)
	}
	for _, code := range []string{"wx_phone_invalid", "phone_missing", "template_invalid", "keywords_invalid", "scene_desc_invalid",
		"template_duplicate", "template_quota", "security_word_invalid", "security_label_invalid", "security_words_quota"} {
		ids = append(ids, "error."+code)
	}
	for _, a := range []string{"message_template_added", "message_template_deleted", "security_words_set"} {
		ids = append(ids, "oplog."+a)
	}
	for _, id := range ids {
		for _, ctx := range []context.Context{zh, en} {
			if T(ctx, id) == id {
				t.Errorf("%s: no %q in the catalog", Lang(ctx), id)
			}
		}
	}
}

// A notice of a template the catalog does not know keeps the names it was delivered with.
func TestNoticeNamesFallBack(t *testing.T) {
	en := WithLanguage(context.Background(), "en")
	n := store.Notice{TID: 1927}
	if got := NoticeLineName(en, n, store.NoticeLine{KID: 2, Name: "付款金额"}); got != "Amount paid" {
		t.Errorf("known keyword in English = %q", got)
	}
	gone := store.Notice{TID: 424242}
	if got := NoticeLineName(en, gone, store.NoticeLine{KID: 1, Name: "旧名称"}); got != "旧名称" {
		t.Errorf("unknown template's keyword = %q, want the stored name", got)
	}
	if got := MessageTitle(en, 424242, "旧模板"); got != "旧模板" {
		t.Errorf("unknown template's title = %q", got)
	}
}
