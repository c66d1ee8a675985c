package store

import (
	"net/netip"
	"strings"
	"testing"
)

// rulesCase is one input and the verdict a rule must give for it.
type rulesCase struct {
	in   string
	want bool
}

func rulesRun(t *testing.T, name string, f func(string) bool, cases []rulesCase) {
	t.Helper()
	for _, c := range cases {
		if got := f(c.in); got != c.want {
			t.Errorf("%s(%q) = %v, want %v", name, c.in, got, c.want)
		}
	}
}

func TestIDNumberWithCheck(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"11010519491231002", "11010519491231002X"}, // the GB 11643 worked example
		{"1101051949123100", ""},                    // 16 digits
		{"110105194912310021", ""},                  // 18 digits
		{"1101051949123100A", ""},                   // not a digit
	} {
		if got := IDNumberWithCheck(c.in); got != c.want {
			t.Errorf("IDNumberWithCheck(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckIDNumber(t *testing.T) {
	valid := []string{
		"11010519491231002X",
		IDNumberWithCheck("44030419900307123"),
		IDNumberWithCheck("32010620000229004"), // leap day
		IDNumberWithCheck("51010019000101001"), // first allowed year
		IDNumberWithCheck("51010021001231001"), // last allowed year
	}
	cases := []rulesCase{
		{"11010519491231002x", true}, // lower-case x tolerated
		{"11010519491231002", false}, // 17 chars
		{"11010519491231002X1", false},
		{"", false},
		{" 11010519491231002X", false},                  // not normalized
		{IDNumberWithCheck("32010619000229004"), false}, // 1900 is not a leap year
		{IDNumberWithCheck("11010519490230002"), false}, // 30 Feb
		{IDNumberWithCheck("11010519491301002"), false}, // month 13
		{IDNumberWithCheck("11010519490000002"), false}, // month 0
		{IDNumberWithCheck("11010519490100002"), false}, // day 0
		{IDNumberWithCheck("11010518991231002"), false}, // before 1900
		{IDNumberWithCheck("11010521010101002"), false}, // after 2100
		{"1101051949123100２X", false},                   // full-width digit
	}
	for _, v := range valid {
		cases = append(cases, rulesCase{v, true})
		// Every other check character must be refused: the checksum really is checked.
		for _, c := range "0123456789X" {
			if byte(c) != v[17] {
				cases = append(cases, rulesCase{v[:17] + string(c), false})
			}
		}
		// A single changed digit must be refused too.
		d := v[3] - '0'
		cases = append(cases, rulesCase{v[:3] + string('0'+(d+1)%10) + v[4:], false})
	}
	rulesRun(t, "CheckIDNumber", CheckIDNumber, cases)
}

func TestNormalizeIDNumber(t *testing.T) {
	for _, in := range []string{"11010519491231002x", "  11010519491231002x\t", "11010519491231002X"} {
		got := NormalizeIDNumber(in)
		if got != "11010519491231002X" || !CheckIDNumber(got) {
			t.Errorf("NormalizeIDNumber(%q) = %q", in, got)
		}
	}
}

func TestCheckCreditCode(t *testing.T) {
	const good = "91350100M000100Y43"
	if got := CreditCodeWithCheck(good[:17]); got != good {
		t.Fatalf("CreditCodeWithCheck(%q) = %q, want %q", good[:17], got, good)
	}
	cases := []rulesCase{
		{good, true},
		{"91350100M000100Y30", true}, // sum%31 == 0: check value 31 wraps to '0'
		{CreditCodeWithCheck("12100000400000624"), true},
		{CreditCodeWithCheck("Y1110000MA0000000"), true},
		{CreditCodeWithCheck("A1110000MA0000000"), true},
		{CreditCodeWithCheck("N1110000MA0000000"), true},
		{"91350100m000100y43", false}, // lower case only after NormalizeCreditCode
		{" " + good, false},
		{good[:17], false},
		{good + "3", false},
		{"", false},
		{CreditCodeWithCheck("01350100M000100Y4"), false}, // authority 0
		{CreditCodeWithCheck("B1350100M000100Y4"), false}, // authority B
		{CreditCodeWithCheck("Z1350100M000100Y4"), false},
		{"91350100I000100Y43", false}, // I is not in the alphabet
		{"91350100O000100Y43", false},
		{"91350100M000100Y4S", false},
	}
	// Exactly one of the 31 possible check characters is accepted.
	for _, c := range creditCharset {
		cases = append(cases, rulesCase{good[:17] + string(c), byte(c) == good[17]})
	}
	// A letter check character must be upper case (the code is checked as stored).
	letters := 0
	for _, c := range creditCharset {
		if v := CreditCodeWithCheck("9111000010000000" + string(c)); v[17] >= 'A' {
			letters++
			cases = append(cases, rulesCase{v, true}, rulesCase{v[:17] + strings.ToLower(v[17:]), false})
		}
	}
	if letters == 0 {
		t.Fatal("no code with a letter check character generated")
	}
	rulesRun(t, "CheckCreditCode", CheckCreditCode, cases)

	for _, in := range []string{"91350100m000100y43", " 91350100M000100Y43 "} {
		if got := NormalizeCreditCode(in); got != good || !CheckCreditCode(got) {
			t.Errorf("NormalizeCreditCode(%q) = %q", in, got)
		}
	}
	for _, in := range []string{"9135010M000100Y4", "91350100I000100Y4", "91350100m000100Y4"} {
		if got := CreditCodeWithCheck(in); got != "" {
			t.Errorf("CreditCodeWithCheck(%q) = %q, want \"\"", in, got)
		}
	}
}

func TestEmail(t *testing.T) {
	rulesRun(t, "CheckEmail", CheckEmail, []rulesCase{
		{"a@example.com", true},
		{"first.last+tag@mail.example.co.uk", true},
		{"Alice@Example.com", true}, // case is the job of NormalizeEmail
		{"Alice <alice@example.com>", false},
		{"<alice@example.com>", false},
		{"alice@example.com (Alice)", false},
		{"alice @example.com", false},
		{" alice@example.com", false},
		{"alice@example.com\n", false},
		{"alice@localhost", false}, // no dot in the domain
		{"alice@", false},
		{"@example.com", false},
		{"aliceexample.com", false},
		{"a@b@example.com", false},
		{`"a b"@example.com`, false},
		{"alice@[192.168.0.1]", false},
		{"alice@example..com", false},
		{"", false},
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com", true}, // 254 bytes
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com", false},
	})
	if got := NormalizeEmail("  Alice@Example.COM \n"); got != "alice@example.com" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

func TestCheckPassword(t *testing.T) {
	rulesRun(t, "CheckPassword", CheckPassword, []rulesCase{
		{"abcdefgh", true},
		{"12345678", true},
		{"!@#$%^&*", true},
		{"Pa55~word", true},
		{strings.Repeat("a", 72), true},
		{"abcdefg", false}, // 7
		{strings.Repeat("a", 73), false},
		{"abcd efgh", false},
		{"abcdefgh\t", false},
		{"pässwörd1", false},
		{"密码密码密码密码", false},
		{"abcdefg\x7f", false},
		{"", false},
	})
}

func TestCheckWechatID(t *testing.T) {
	rulesRun(t, "CheckWechatID", CheckWechatID, []rulesCase{
		{"abcdef", true},
		{"a_b-c1", true},
		{"Z" + strings.Repeat("9", 19), true},  // 20
		{"abcde", false},                       // 5
		{"a" + strings.Repeat("b", 20), false}, // 21
		{"1abcdef", false},
		{"_abcdef", false},
		{"-abcdef", false},
		{"abc def", false},
		{"abc.def", false},
		{"ábcdef", false},
		{"微信号abcdef", false},
		{"", false},
	})
}

func TestCheckNicknameAndIntro(t *testing.T) {
	rulesRun(t, "CheckNickname", CheckNickname, []rulesCase{
		{"a", true},
		{"小明", true},
		{"  Bob 🙂 ", true},
		{strings.Repeat("名", 32), true},
		{strings.Repeat("名", 33), false},
		{"", false},
		{"   ", false},
		{"a\nb", false},
		{"a\x00b", false},
		{"a\u0085b", false}, // C1 control
		{"a\xffb", false},   // invalid UTF-8
	})
	rulesRun(t, "CheckIntro", CheckIntro, []rulesCase{
		{"abcd", true},
		{"我们的小程序", true},
		{"  abcd  ", true},
		{strings.Repeat("字", 120), true},
		{strings.Repeat("字", 121), false},
		{"abc", false},
		{"  abc  ", false},
		{"line one\nline two", false},
		{"tab\there", false},
		{"", false},
	})
}

func TestCheckPhone(t *testing.T) {
	rulesRun(t, "CheckPhone", CheckPhone, []rulesCase{
		{"13800138000", true},
		{"19912345678", true},
		{"12800138000", false},
		{"10800138000", false},
		{"23800138000", false},
		{"1380013800", false},
		{"138001380000", false},
		{"+8613800138000", false},
		{"138-0013-8000", false},
		{"1380013800a", false},
		{"13８00138000", false},
		{"", false},
	})
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"天气ab", 6},
		{"abcd", 4},
		{"小", 2},
		{"（）", 4},  // full-width forms
		{"、。", 4},  // CJK punctuation
		{"a·b", 3}, // middle dot is not CJK
		{"", 0},
	} {
		if got := NameUnits(c.in); got != c.want {
			t.Errorf("NameUnits(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	// Two Han characters reach the minimum, one does not; 15 fill the maximum.
	if NameUnits("小") >= NameMinUnits || NameUnits("小明") < NameMinUnits {
		t.Errorf("NameMinUnits = %d does not separate 小 from 小明", NameMinUnits)
	}
	if NameUnits(strings.Repeat("小", 15)) > NameMaxUnits || NameUnits(strings.Repeat("小", 16)) <= NameMaxUnits {
		t.Errorf("NameMaxUnits = %d does not separate 15 from 16 Han characters", NameMaxUnits)
	}
	rulesRun(t, "CheckNameChars", CheckNameChars, []rulesCase{
		{"小明", true},
		{"小小小程序", true},
		{"Acme Shop 2", true},
		{"天气-助手_v2", true},
		{"艾丽·史密斯", true},
		{"工具(测试)", true},
		{"工具（测试）", true},
		{"", false},
		{"   ", false},
		{"天气🙂", false},
		{"café", false}, // non-ASCII Latin
		{"Привет", false},
		{"天气！", false},
		{"a.b", false},
		{"a/b", false},
		{"a\tb", false},
		{"１２３４", false}, // full-width digits
	})
}

func TestCheckIPEntry(t *testing.T) {
	rulesRun(t, "CheckIPEntry", CheckIPEntry, []rulesCase{
		{"1.2.3.4", true},
		{"1.2.3.*", true},
		{"0.0.0.*", true},
		{"255.255.255.*", true},
		{"10.0.0.0/8", true},
		{"::1", true},
		{"2001:db8::/32", true},
		{"::ffff:1.2.3.4", true},
		{"1.2.3.4:80", false},
		{"[::1]:80", false},
		{"1.2.*.*", false},
		{"1.2.*", false},
		{"*.2.3.4", false},
		{"1.2.3.4.*", false},
		{"1.2.3*", false},
		{"01.2.3.*", false},
		{"1.2.256.*", false},
		{"1.+2.3.*", false},
		{"1..3.*", false},
		{"300.1.1.1", false},
		{"a.b.c.d", false},
		{"", false},
		{" 1.2.3.4", false},
		{"1.2.3.4 ", false},
		{"fe80::1%eth0", false},
		{"fe80::/10%eth0", false},
		{"10.0.0.0/33", false},
		{"10.0.0.0/", false},
		{"example.com", false},
	})
}

func TestIPAllowed(t *testing.T) {
	entries := []string{"1.2.3.4", "5.6.7.*", "10.0.0.0/8", "2001:db8::/32", "::1", "bogus"}
	for _, c := range []struct {
		entries []string
		addr    string
		want    bool
	}{
		{nil, "9.9.9.9", true},
		{[]string{}, "2001:db8::1", true},
		{entries, "1.2.3.4", true},
		{entries, "::ffff:1.2.3.4", true}, // v4-mapped is unmapped first
		{entries, "1.2.3.5", false},
		{entries, "5.6.7.0", true},
		{entries, "5.6.7.255", true},
		{entries, "::ffff:5.6.7.8", true},
		{entries, "5.6.70.1", false},
		{entries, "15.6.7.1", false},
		{entries, "10.255.0.1", true},
		{entries, "11.0.0.1", false},
		{entries, "2001:db8:1::5", true},
		{entries, "2001:db9::1", false},
		{entries, "::1", true},
		{entries, "127.0.0.1", false},
		{[]string{"::ffff:1.2.3.4"}, "1.2.3.4", true},
		{[]string{"::ffff:1.2.3.0/120"}, "1.2.3.9", true},
		{[]string{"bogus", "1.2.3.4:80"}, "1.2.3.4", false}, // invalid entries match nothing
	} {
		if got := IPAllowed(c.entries, netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("IPAllowed(%q, %s) = %v, want %v", c.entries, c.addr, got, c.want)
		}
	}
	if IPAllowed([]string{"1.2.3.4"}, netip.Addr{}) {
		t.Error("IPAllowed accepted the zero Addr")
	}
}

func TestCheckDomain(t *testing.T) {
	type dc struct {
		kind, in string
		want     bool
	}
	cases := []dc{
		{"request", "https://example.com", true},
		{"request", "https://api.example.com:8443", true},
		{"request", "https://Example.COM", true},
		{"request", "https://a-b.example.com:65535", true},
		{"request", "https://xn--fiq228c.com", true},
		{"request", "http://example.com", false},
		{"request", "https://1.2.3.4", false},
		{"request", "https://[::1]", false},
		{"request", "https://localhost", false},
		{"request", "https://a.localhost", false},
		{"request", "https://api.weixin.qq.com", false},
		{"request", "https://API.Weixin.QQ.com", false},
		{"request", "https://example.com/path", false},
		{"request", "https://example.com/", false},
		{"request", "https://example.com?x=1", false},
		{"request", "https://example.com#top", false},
		{"request", "https://user@example.com", false},
		{"request", "https://example.com:0", false},
		{"request", "https://example.com:65536", false},
		{"request", "https://example.com:", false},
		{"request", "https://example.com:080", false},
		{"request", "https://example.com:+80", false},
		{"request", "https://example", false},
		{"request", "https://example.123", false},
		{"request", "https://-a.example.com", false},
		{"request", "https://a-.example.com", false},
		{"request", "https://a..example.com", false},
		{"request", "https://example.com.", false},
		{"request", "https://ex_ample.com", false},
		{"request", "https://例子.com", false},
		{"request", "https://\u212Aexample.com", false}, // Kelvin sign lower-cases to 'k'
		{"request", "HTTPS://EXAMPLE.COM", true},
		{"request", "https://" + strings.Repeat("a", 64) + ".com", false},
		{"request", "https://" + strings.Repeat("a", 63) + ".com", true},
		{"request", " https://example.com", false},
		{"request", "https://", false},
		{"request", "example.com", false},
		{"socket", "wss://x.example.com", true},
		{"socket", "wss://x.example.com:443", true},
		{"socket", "https://x.example.com", false},
		{"socket", "ws://x.example.com", false},
		{"", "https://example.com", false},
		{"other", "https://example.com", false},
	}
	for _, kind := range []string{"request", "upload", "download"} {
		cases = append(cases,
			dc{kind, "https://files.example.com", true},
			dc{kind, "wss://x.example.com", false})
	}
	for _, c := range cases {
		if got := CheckDomain(c.kind, c.in); got != c.want {
			t.Errorf("CheckDomain(%q, %q) = %v, want %v", c.kind, c.in, got, c.want)
		}
	}
}
