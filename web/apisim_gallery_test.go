package web

import (
	"context"
	"testing"

	"mpconsole/store"
)

// apisimGallery gives the gallery's account a's pages of SPEC §17 something to show: a
// subscribe-message template, a word list, and for its administrator an opened mini
// program with a phone number, a subscription and a delivered notice. It returns the
// template's priTmplId.
func apisimGallery(t *testing.T, e *env, a store.Account, admin store.Person) string {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	id, err := e.st.AddMessageTemplateAs(ctx, a.ID, admin.ID, 1458, []int{1, 2, 3, 5}, "发货后提醒")
	must(err)
	must(e.st.SetSecurityWords(ctx, a.ID, admin.ID, []store.SecurityWord{{Word: "加微信", Suggest: store.SuggestRisky, Label: 10001}}))
	_, err = e.st.UpdateProfile(ctx, admin.ID, store.Profile{Nickname: admin.Nickname, Phone: "13912345678"})
	must(err)
	_, err = e.st.OpenApp(ctx, admin.ID, a.AppID, "")
	must(err)
	must(e.st.AcceptSubscription(ctx, admin.ID, a.AppID, id))
	openid, err := e.st.OpenID(ctx, a.AppID, admin.ID)
	must(err)
	data := map[string]string{"thing1": "顺丰速运", "character_string2": "SF1234567890123", "time3": "2019年10月1日 15:01", "thing5": "无线蓝牙耳机"}
	_, err = e.st.SendSubscribeMessage(ctx, a.ID, openid, id, "pages/index/index?id=7", data, store.StateDeveloper, "")
	must(err)
	return id
}
