package web

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	pathGetTemplates = "/wxaapi/newtmpl/gettemplate"
	pathAddTemplate  = "/wxaapi/newtmpl/addtemplate"
	pathDelTemplate  = "/wxaapi/newtmpl/deltemplate"
	formType         = "application/x-www-form-urlencoded"
)

var priTmplID = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// addTemplate adds a library template through the API and returns its priTmplId.
func (e *apiEnv) addTemplate(t *testing.T, token string, body any) string {
	t.Helper()
	id, _ := e.postJSON(t, withToken(pathAddTemplate, token), body).wantOK(t)["priTmplId"].(string)
	if !priTmplID.MatchString(id) {
		t.Fatalf("priTmplId %q", id)
	}
	return id
}

// The newtmpl API: addtemplate takes JSON (tid a string or a number) and forms (kidList
// repeated, kidList[], kidList[N]); gettemplate lists the account's templates in the real
// shape with content and example one "name:…" line per keyword in kidList order;
// deltemplate removes one.
func TestAPITemplates(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	if r := e.call(t, "GET", withToken(pathGetTemplates, token), "", ""); string(r.Raw) != `{"errcode":0,"errmsg":"ok","data":[]}` {
		t.Fatalf("no templates: %s", r.Raw)
	}
	first := e.addTemplate(t, token, map[string]any{"tid": "1458", "kidList": []int{1, 2}, "sceneDesc": "发货提醒"})
	r := e.postJSON(t, withToken(pathAddTemplate, token), map[string]any{"tid": 1927, "kidList": []int{3, 1}})
	if !regexp.MustCompile(`^\{"errcode":0,"errmsg":"ok","priTmplId":"[A-Za-z0-9_-]{43}"\}$`).Match(r.Raw) {
		t.Fatalf("addtemplate answer %s", r.Raw)
	}
	for _, form := range []string{
		"tid=3637&kidList=4&kidList=2&sceneDesc=%E5%8F%91%E8%B4%A7",
		"tid=855&kidList%5B1%5D=1&kidList%5B0%5D=2",
		"tid=1128&kidList[]=8&kidList[]=1",
	} {
		if f := e.call(t, "POST", withToken(pathAddTemplate, token), formType, form).wantOK(t); !priTmplID.MatchString(f["priTmplId"].(string)) {
			t.Fatalf("form %s: %v", form, f)
		}
	}
	// curl -d sends JSON labelled as a form.
	e.call(t, "POST", withToken(pathAddTemplate, token), formType, `{"tid":"1451","kidList":[1,3]}`).wantOK(t)

	var list struct {
		Data []map[string]any `json:"data"`
	}
	r = e.call(t, "GET", withToken(pathGetTemplates, token), "", "")
	r.wantOK(t)
	json.Unmarshal(r.Raw, &list)
	if len(list.Data) != 6 {
		t.Fatalf("gettemplate lists %d templates, want 6: %s", len(list.Data), r.Raw)
	}
	got, _ := json.Marshal(list.Data[0])
	want := `{"content":"快递公司:{{thing1.DATA}}\n快递单号:{{character_string2.DATA}}\n","example":"快递公司:顺丰速运\n快递单号:SF1234567890123\n",` +
		`"keywordEnumValueList":[],"priTmplId":"` + first + `","title":"发货通知","type":2}`
	if string(got) != want {
		t.Fatalf("first template\n got %s\nwant %s", got, want)
	}
	for i, content := range map[int]string{
		1: "付款时间:{{date3.DATA}}\n付款单号:{{character_string1.DATA}}\n",
		2: "快递公司:{{thing4.DATA}}\n订单号:{{character_string2.DATA}}\n",
		3: "商品名称:{{thing2.DATA}}\n订单号:{{character_string1.DATA}}\n",
		4: "商品信息:{{thing8.DATA}}\n订单编号:{{character_string1.DATA}}\n",
	} {
		if list.Data[i]["content"] != content {
			t.Errorf("template %d: content %q, want %q (kidList order)", i, list.Data[i]["content"], content)
		}
	}

	del := func(body string) callResp {
		return e.call(t, "POST", withToken(pathDelTemplate, token), "application/json", body)
	}
	if r := del(`{"priTmplId":"` + first + `"}`); string(r.Raw) != `{"errcode":0,"errmsg":"ok"}` {
		t.Fatalf("deltemplate: %s", r.Raw)
	}
	if r := e.call(t, "GET", withToken(pathGetTemplates, token), "", ""); strings.Contains(string(r.Raw), first) {
		t.Fatal("a deleted template is still listed")
	}
	del(`{"priTmplId":"`+first+`"}`).wantErrcode(t, 20001, "template not found rid: ")
	del(`{"priTmplId":"nosuch"}`).wantErrcode(t, 20001, "template not found rid: ")
	del(`{}`).wantErrcode(t, 20002, "missing parameter priTmplId rid: ")
	del(`{"priTmplId":""}`).wantErrcode(t, 20002, "missing parameter priTmplId rid: ")
}

// addtemplate's refusals with the real wording: 200014 for a missing or unknown tid,
// 200020 for a kidList that is not 2–5 distinct keywords of the template, 200021 for a
// sceneDesc over 15 characters, 200022 (with the priTmplId already added) for the same tid
// and kidList again, 200012 once the account has 50 templates.
func TestAPIAddTemplateErrors(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	add := func(body string) callResp {
		return e.call(t, "POST", withToken(pathAddTemplate, token), "application/json", body)
	}
	for _, tc := range []struct {
		body string
		code int
		msg  string
	}{
		{`{"kidList":[1,2]}`, 200014, "missing parameter tid rid: "},
		{`{"tid":"","kidList":[1,2]}`, 200014, "missing parameter tid rid: "},
		{`{"tid":null,"kidList":[1,2]}`, 200014, "missing parameter tid rid: "},
		{`{"tid":"99999","kidList":[1,2]}`, 200014, "tid does not exist rid: "},
		{`{"tid":"abc","kidList":[1,2]}`, 200014, "tid does not exist rid: "},
		{`{"tid":"1458"}`, 200020, "invalid keywords rid: "},
		{`{"tid":"1458","kidList":[1]}`, 200020, "invalid keywords rid: "},
		{`{"tid":"1458","kidList":[1,1]}`, 200020, "invalid keywords rid: "},
		{`{"tid":"1458","kidList":[1,4]}`, 200020, "invalid keywords rid: "},
		{`{"tid":"1458","kidList":[1,"x"]}`, 200020, "invalid keywords rid: "},
		{`{"tid":"1468","kidList":[2,4,5,7,8,2]}`, 200020, "invalid keywords rid: "},
		{`{"tid":"1458","kidList":[1,2],"sceneDesc":"一二三四五六七八九十一二三四五六"}`, 200021, "invalid parameter sceneDesc rid: "},
	} {
		add(tc.body).wantErrcode(t, tc.code, tc.msg)
	}
	e.call(t, "POST", withToken(pathAddTemplate, token), formType, "kidList=1&kidList=2").wantErrcode(t, 200014, "missing parameter tid rid: ")
	e.call(t, "POST", withToken(pathAddTemplate, token), formType, "tid=1458&kidList=1&kidList=x").wantErrcode(t, 200020, "invalid keywords rid: ")
	if add(`{"tid":"1458","kidList":[1,2],"sceneDesc":"一二三四五六七八九十一二三四五"}`).wantOK(t) == nil {
		t.Fatal("15 characters of sceneDesc are allowed")
	}

	first := e.addTemplate(t, token, map[string]any{"tid": "1458", "kidList": []int{2, 1}})
	r := add(`{"tid":"1458","kidList":[2,1]}`)
	f := map[string]any{}
	json.Unmarshal(r.Raw, &f)
	if f["errcode"] != float64(200022) || !strings.HasPrefix(f["errmsg"].(string), "template has added already rid: ") ||
		!ridSuffix.MatchString(f["errmsg"].(string)) || f["priTmplId"] != first {
		t.Fatalf("the same template again: %s; want 200022 with priTmplId %s", r.Raw, first)
	}

	// Fill the account up to 50 templates (two are added): orderings of 1458's keywords.
	n := 2
	var fill func(list []int)
	fill = func(list []int) {
		if n == 50 {
			return
		}
		if len(list) >= 3 {
			if _, err := e.st.AddMessageTemplate(context.Background(), e.acct.ID, "1458", list, ""); err != nil {
				t.Fatal(err)
			}
			n++
		}
		for _, k := range []int{1, 2, 3, 5} {
			if !slices.Contains(list, k) {
				fill(append(slices.Clone(list), k))
			}
		}
	}
	fill(nil)
	if n != 50 {
		t.Fatalf("made %d templates", n)
	}
	add(`{"tid":"1927","kidList":[1,2]}`).wantErrcode(t, 200012, "reach max template count limit rid: ")
	e.call(t, "POST", withToken(pathDelTemplate, token), "application/json", `{"priTmplId":"`+first+`"}`).wantOK(t)
	e.addTemplate(t, token, map[string]any{"tid": "1927", "kidList": []int{1, 2}})
}
