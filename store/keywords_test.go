package store

import (
	"strings"
	"testing"
)

// Every keyword type of the official table, with values on both sides of its limits
// (characters, digits, letters, symbols, formats).
func TestKeywordRules(t *testing.T) {
	rep := strings.Repeat
	for _, tc := range []struct {
		rule, value string
		ok          bool
	}{
		// thing: ≤ 20 characters of Chinese, digits, letters or symbols; no control characters.
		{"thing", rep("好", 20), true},
		{"thing", rep("好", 21), false},
		{"thing", rep("a", 20), true},
		{"thing", "订单 No.1：已发货!", true},
		{"thing", "第一行\n第二行", false},
		{"thing", "", false},
		// number: ≤ 32 digits, decimals allowed, nothing else.
		{"number", rep("9", 32), true},
		{"number", rep("9", 33), false},
		{"number", "3.14", true},
		{"number", rep("1", 16) + "." + rep("2", 16), true},
		{"number", rep("1", 16) + "." + rep("2", 17), false},
		{"number", "-5", false},
		{"number", "1,000", false},
		{"number", "1.", false},
		{"number", "一", false},
		// letter: ≤ 32 Latin letters.
		{"letter", rep("a", 32), true},
		{"letter", rep("Z", 33), false},
		{"letter", "abc1", false},
		{"letter", "ab cd", false},
		{"letter", "ä", false},
		// symbol: ≤ 5 symbols.
		{"symbol", "!@#$%", true},
		{"symbol", "!@#$%^", false},
		{"symbol", "，。？", true},
		{"symbol", "a!", false},
		{"symbol", "1", false},
		// character_string: ≤ 32 digits, letters and symbols; no Chinese.
		{"character_string", rep("A", 32), true},
		{"character_string", rep("A", 33), false},
		{"character_string", "FM-2387_5239/482#", true},
		{"character_string", "2019-10-01 12:00", true},
		{"character_string", "单号123", false},
		// time: HH:MM or HH:MM:SS on a 24-hour clock, optionally after a date; ranges with ~.
		{"time", "15:01", true},
		{"time", "15:01:59", true},
		{"time", "23:59", true},
		{"time", "24:00", false},
		{"time", "15:60", false},
		{"time", "15:01:60", false},
		{"time", "2019年10月1日 15:01", true},
		{"time", "2019年12月01日13:01", true},
		{"time", "2019-10-01 15:01", true},
		{"time", "2019/10/01 15:01:30", true},
		{"time", "10月1日 15:01", true},
		{"time", "15:01~16:30", true},
		{"time", "2019年10月1日 15:01 ~ 2019年10月2日 16:00", true},
		{"time", "15:01~16:30~17:00", false},
		{"time", "2019年10月1日", false},
		{"time", "3pm", false},
		{"time", "15.01", false},
		// date: y年m月d日, y年m月, m月d日, or with - / . ; optionally a time; ranges with ~.
		{"date", "2019年10月1日", true},
		{"date", "2019年10月", true},
		{"date", "10月1日", true},
		{"date", "10月", false},
		{"date", "2018-01-01", true},
		{"date", "2018/01/01", true},
		{"date", "2018.01.01", true},
		{"date", "2018-01", true},
		{"date", "01-01", true},
		{"date", "2018-01/01", false},
		{"date", "2019年10月1日 15:01", true},
		{"date", "2019-10-01 15:01:30", true},
		{"date", "2019年10月1日~2019年10月7日", true},
		{"date", "2019-02-29", false},
		{"date", "2020-02-29", true},
		{"date", "2月29日", true},
		{"date", "2019-13-01", false},
		{"date", "2019-04-31", false},
		{"date", "2019-10-00", false},
		{"date", "15:01", false},
		{"date", "明天", false},
		// amount: one currency sign, ≤ 10 digits, decimals allowed, may end in 元.
		{"amount", "104.00元", true},
		{"amount", "¥104.00", true},
		{"amount", "￥12", true},
		{"amount", "$" + rep("9", 10), true},
		{"amount", "$" + rep("9", 11), false},
		{"amount", rep("9", 8) + ".99", true},
		{"amount", rep("9", 9) + ".99", false},
		{"amount", "¥¥12", false},
		{"amount", "-12.00", false},
		{"amount", "1,000.00", false},
		{"amount", "十元", false},
		// phone_number: ≤ 17 digits and symbols.
		{"phone_number", "+86-0766-66888866", true},
		{"phone_number", rep("1", 17), true},
		{"phone_number", rep("1", 18), false},
		{"phone_number", "(0766) 6688 8866", true},
		{"phone_number", "400-ABC", false},
		// car_number: ≤ 8; the first and the last may be Chinese, the rest letters or digits.
		{"car_number", "粤A8Z888挂", true},
		{"car_number", "粤A8Z8888挂", false},
		{"car_number", "粤A12345", true},
		{"car_number", "AB12345", true},
		{"car_number", "粤A粤345", false},
		{"car_number", "粤A-12345", false},
		// name: ≤ 10 Chinese (letters and symbols may mix in) or ≤ 20 letters and symbols.
		{"name", rep("张", 10), true},
		{"name", rep("张", 11), false},
		{"name", "John Smith", true},
		{"name", rep("a", 20), true},
		{"name", rep("a", 21), false},
		{"name", "张" + rep("a", 9), true},
		{"name", "张" + rep("a", 10), false},
		{"name", "阿卜杜·热西提", true},
		{"name", "R2D2", false},
		// phrase: ≤ 5 Chinese characters only.
		{"phrase", "配送中", true},
		{"phrase", "货物配送中", true},
		{"phrase", "货物正在配送", false},
		{"phrase", "配送a", false},
		{"phrase", "配送 中", false},
		// A rule the table does not have accepts nothing.
		{"enum", "A", false},
	} {
		if got := CheckKeyword(tc.rule, tc.value); got != tc.ok {
			t.Errorf("%s %q: valid = %v, want %v", tc.rule, tc.value, got, tc.ok)
		}
	}
}

// Every keyword of the library has a known type, a name and an example its own rule
// accepts, so the example shown in gettemplate is a value subscribe/send would take.
func TestLibraryWellFormed(t *testing.T) {
	if len(MessageLibrary) < 12 {
		t.Fatalf("the library has %d templates, the issue asks for at least 12", len(MessageLibrary))
	}
	tids := map[int]bool{}
	for _, tpl := range MessageLibrary {
		if tids[tpl.TID] || tpl.Title == "" || len(tpl.Keywords) < 2 {
			t.Errorf("template %d %q: duplicate tid, no title or fewer than 2 keywords", tpl.TID, tpl.Title)
		}
		tids[tpl.TID] = true
		kids := map[int]bool{}
		for _, k := range tpl.Keywords {
			if kids[k.KID] || k.Name == "" {
				t.Errorf("template %d: kid %d twice or unnamed", tpl.TID, k.KID)
			}
			kids[k.KID] = true
			if !CheckKeyword(k.Rule, k.Example) {
				t.Errorf("template %d %s: example %q breaks its rule", tpl.TID, k.Key(), k.Example)
			}
		}
	}
}
