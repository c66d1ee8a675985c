package wxapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// maskGeneric is the masking by decoding into a generic value, which maskFast must agree
// with on every body it accepts.
func maskGeneric(t *testing.T, raw string) (any, int) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	maskValue(v)
	code := 0
	if m, ok := v.(map[string]any); ok {
		if f, ok := m["errcode"].(float64); ok {
			code = int(f)
		}
	}
	return v, code
}

// The one-pass masking masks exactly what decoding would, at any depth, keys in any case,
// with any spacing, leaves values of other keys alone (even when they read like a secret
// field), reads only the top-level errcode, and hands bodies with escapes to the generic
// path.
func TestMaskFastAgreesWithDecoding(t *testing.T) {
	bodies := []string{
		`{"access_token":"ACCESSTOKENVALUE1234","expires_in":7200}`,
		`{"openid":"oABC","session_key":"SESSIONKEY5678","unionid":"u1"}`,
		`{"errcode":40125,"errmsg":"invalid appsecret rid: 6543-aa-bb"}`,
		`{"errcode":-1,"errmsg":"system error"}`,
		`{ "Secret" : "abcdefgh" , "nested" : { "code" : "xyz12345", "list" : [ {"js_code":"q"}, "secret", 1 ] } }`,
		`{"a":"secret","b":"code","secret":123,"code":null,"x":{"errcode":99}}`,
		`{"refresh_token":"","appsecret":"ab","data":{"thing1":{"value":"code: 1"}}}`,
		`[{"code":"abcdefg"},{"errcode":5}]`,
		`{"errmsg":"ok","errcode":0,"phone_info":{"phoneNumber":"13800138000"}}`,
		`"just a string"`,
		`{}`,
	}
	for _, raw := range bodies {
		out, code, ok := maskFast([]byte(raw))
		if !ok {
			t.Errorf("%s: not taken by the fast path", raw)
			continue
		}
		want, wantCode := maskGeneric(t, raw)
		var got any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Errorf("%s: masked into invalid JSON %s", raw, out)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %s\nwant %v", raw, out, want)
		}
		if _, isArray := want.([]any); code != wantCode && !isArray {
			t.Errorf("%s: errcode %d, want %d", raw, code, wantCode)
		}
	}
	if _, _, ok := maskFast([]byte(`{"s\u0065cret":"abcdefgh"}`)); ok {
		t.Error("a body with an escape took the fast path")
	}
	if got := maskJSON([]byte(`{"s\u0065cret":"abcdefgh"}`)); got != `{"secret":"****efgh"}` {
		t.Errorf("escaped key masked as %s", got)
	}
	if got, code := maskBody([]byte(`{"errcode":40125,"errmsg":"a \"quoted\" word","code":"abcdefgh"}`)); code != 40125 || !strings.Contains(got, `"code":"****efgh"`) {
		t.Errorf("a body with an escape: errcode %d, masked as %s", code, got)
	}
	if got := maskJSON([]byte(`secret=abcdefgh`)); got != `secret=abcdefgh` {
		t.Errorf("a body that is not JSON changed: %s", got)
	}
	if got := maskQuery("&appid=wx1&SECRET=abcdefgh&code="); got != "&appid=wx1&SECRET=****efgh&code=" {
		t.Errorf("query masked as %s", got)
	}
}
