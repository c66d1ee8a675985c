package web

import (
	"testing"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/miniprogram"
	"github.com/silenceper/wechat/v2/miniprogram/config"

	"mpconsole/store"
)

// What a user of the silenceper/wechat SDK sees when a fault rule answers its token call
// (SPEC §18): errcode -1 is reported with the code and errmsg; for an nginx 502 page the
// SDK reports the status with the whole URL, AppSecret included in clear (a backend that
// logs this error logs its secret). The exact texts are recorded here, so a change of
// either side shows.
func TestSilenceperUnderFaults(t *testing.T) {
	e := newAPIEnv(t)
	e.pointSDK()
	token := func() error {
		sdk := miniprogram.NewMiniProgram(&config.Config{AppID: e.acct.AppID, AppSecret: e.secret, Cache: cache.NewMemory()})
		_, err := sdk.GetContext().GetAccessToken()
		return err
	}
	e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultErrcode, ErrCode: "-1", Count: "1"})
	err := token()
	if err == nil || !ridSuffixIn(err.Error(), "get access_token error : errcode=-1 , errormsg=system error rid: ") {
		t.Errorf("errcode -1: %v", err)
	}
	e.rule(t, store.FaultForm{Endpoint: "/cgi-bin/token", Kind: store.FaultHTML502, Count: "1"})
	err = token()
	want := "http get error : uri=https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=" + e.acct.AppID +
		"&secret=" + e.secret + " , statusCode=502"
	if err == nil || err.Error() != want {
		t.Errorf("html_502: %v", err)
	}
	if err := token(); err != nil {
		t.Errorf("after the rules: %v", err)
	}
}

// ridSuffixIn tells whether s is prefix followed by a rid.
func ridSuffixIn(s, prefix string) bool {
	return len(s) == len(prefix)+26 && s[:len(prefix)] == prefix && ridSuffix.MatchString(s[len(prefix)-6:])
}
