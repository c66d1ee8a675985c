package store

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The keyword types of subscribe messages and what a value of each may be: the official
// "订阅消息参数值内容限制说明" (sendMessage.html, 其他说明), with its footnote: "symbols"
// are the common symbols other than Chinese, letters and digits, never control characters
// such as a newline; times are HH:MM:SS or HH:MM; dates are y年m月d日, y年m月, m月d日, or
// joined by '-', '/' or '.' as in 2018-01-01, 2018/01/01, 2018.01.01, 2018-01, 01-01.
// Where the table says "N位以内数字" it counts digits, so a decimal point is free.
const (
	RuleThing       = "thing"            // ≤ 20 characters of any kind but control characters
	RuleNumber      = "number"           // ≤ 32 digits, an optional decimal part
	RuleLetter      = "letter"           // ≤ 32 Latin letters
	RuleSymbol      = "symbol"           // ≤ 5 symbols
	RuleString      = "character_string" // ≤ 32 digits, Latin letters and symbols
	RuleTime        = "time"             // a 24-hour time, optionally after a date; or a range a~b
	RuleDate        = "date"             // a date, optionally with a 24-hour time; or a range a~b
	RuleAmount      = "amount"           // an optional currency sign, ≤ 10 digits, optional decimals, optional 元
	RulePhoneNumber = "phone_number"     // ≤ 17 digits and symbols
	RuleCarNumber   = "car_number"       // ≤ 8: letters and digits, the first and the last may be Chinese
	RuleName        = "name"             // ≤ 10 Chinese (letters and symbols may mix in), or ≤ 20 letters and symbols
	RulePhrase      = "phrase"           // ≤ 5 Chinese characters
)

// KeywordRules lists every keyword type, in the order of the official table.
var KeywordRules = []string{RuleThing, RuleNumber, RuleLetter, RuleSymbol, RuleString, RuleTime, RuleDate,
	RuleAmount, RulePhoneNumber, RuleCarNumber, RuleName, RulePhrase}

// CheckKeyword tells whether value is a valid value for a keyword of type rule; an unknown
// rule accepts nothing.
func CheckKeyword(rule, value string) bool {
	if value == "" || !utf8.ValidString(value) || strings.ContainsFunc(value, unicode.IsControl) {
		return false
	}
	n := utf8.RuneCountInString(value)
	switch rule {
	case RuleThing:
		return n <= 20
	case RuleNumber:
		return kwNumber.MatchString(value) && digits(value) <= 32
	case RuleLetter:
		return n <= 32 && all(value, isLatin)
	case RuleSymbol:
		return n <= 5 && all(value, isSymbol)
	case RuleString:
		return n <= 32 && all(value, func(r rune) bool { return isLatin(r) || isDigit(r) || isSymbol(r) })
	case RuleTime:
		return checkRange(value, false)
	case RuleDate:
		return checkRange(value, true)
	case RuleAmount:
		m := kwAmount.FindStringSubmatch(value)
		return m != nil && (m[1] == "" || isCurrency(m[1])) && digits(m[2]) <= 10
	case RulePhoneNumber:
		return n <= 17 && all(value, func(r rune) bool { return isDigit(r) || isSymbol(r) })
	case RuleCarNumber:
		return checkCarNumber(value, n)
	case RuleName:
		if !all(value, func(r rune) bool { return isHan(r) || isLatin(r) || isSymbol(r) }) {
			return false
		}
		if strings.ContainsFunc(value, isHan) {
			return n <= 10
		}
		return n <= 20
	case RulePhrase:
		return n <= 5 && all(value, isHan)
	}
	return false
}

var (
	kwNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	// kwAmount: one rune before the digits (the currency sign), digits with optional decimals, 元.
	kwAmount = regexp.MustCompile(`^(\D?)([0-9]+(?:\.[0-9]+)?)元?$`)
	// The date forms of the footnote, and a time; each match is checked for real values.
	kwDateCN = regexp.MustCompile(`^(?:([0-9]{4})年)?(?:([0-9]{1,2})月)(?:([0-9]{1,2})日)?$`)
	kwDateYM = regexp.MustCompile(`^([0-9]{4})([-/.])([0-9]{1,2})(?:([-/.])([0-9]{1,2}))?$`)
	kwDateMD = regexp.MustCompile(`^([0-9]{1,2})([-/.])([0-9]{1,2})$`)
	kwTime   = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$`)
	// kwPoint splits a point in time into a date part and a time part.
	kwPoint = regexp.MustCompile(`^(.*?)\s*([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)$`)
)

// checkRange checks a time or date value: one point, or two joined by "~". dateRequired
// says which part each point must have (date: the date; time: the time).
func checkRange(value string, dateRequired bool) bool {
	parts := strings.Split(value, "~")
	if len(parts) > 2 {
		return false
	}
	for _, p := range parts {
		if !checkPoint(strings.TrimSpace(p), dateRequired) {
			return false
		}
	}
	return true
}

// checkPoint checks one point in time: a date, a time, or a date then a time.
func checkPoint(p string, dateRequired bool) bool {
	date, clock := p, ""
	if m := kwPoint.FindStringSubmatch(p); m != nil {
		date, clock = m[1], m[2]
	}
	if clock != "" && !checkClock(clock) {
		return false
	}
	if date == "" {
		return !dateRequired && clock != ""
	}
	return (clock != "" || dateRequired) && checkDate(date)
}

// checkClock checks HH:MM or HH:MM:SS on a 24-hour clock.
func checkClock(s string) bool {
	m := kwTime.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec := 0
	if m[3] != "" {
		sec, _ = strconv.Atoi(m[3])
	}
	return h <= 23 && mi <= 59 && sec <= 59
}

// checkDate checks the date forms of the footnote; a day must exist in its month (29
// February only in a leap year, or when no year is given).
func checkDate(s string) bool {
	var y, mo, d string
	switch {
	case kwDateCN.MatchString(s):
		m := kwDateCN.FindStringSubmatch(s)
		y, mo, d = m[1], m[2], m[3]
		if y == "" && d == "" { // "10月" alone is not a date
			return false
		}
	case kwDateYM.MatchString(s):
		m := kwDateYM.FindStringSubmatch(s)
		if m[4] != "" && m[4] != m[2] {
			return false
		}
		y, mo, d = m[1], m[3], m[5]
	case kwDateMD.MatchString(s):
		m := kwDateMD.FindStringSubmatch(s)
		mo, d = m[1], m[3]
	default:
		return false
	}
	year, month, day := 2000, 1, 1 // a leap year when none is given
	if y != "" {
		year, _ = strconv.Atoi(y)
	}
	month, _ = strconv.Atoi(mo)
	if d != "" {
		day, _ = strconv.Atoi(d)
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return month >= 1 && month <= 12 && day >= 1 && t.Month() == time.Month(month) && t.Day() == day
}

// checkCarNumber: at most 8; the first and the last may be Chinese, the rest are Latin
// letters or digits (粤A8Z888挂).
func checkCarNumber(value string, n int) bool {
	if n > 8 {
		return false
	}
	rs := []rune(value)
	for i, r := range rs {
		if !isLatin(r) && !isDigit(r) && !(isHan(r) && (i == 0 || i == len(rs)-1)) {
			return false
		}
	}
	return true
}

func all(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if isDigit(r) {
			n++
		}
	}
	return n
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isLatin(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isSymbol is the footnote's "symbol": punctuation, symbols and spaces, not letters of any
// script, digits or control characters.
func isSymbol(r rune) bool {
	return unicode.IsPunct(r) || unicode.IsSymbol(r) || r == ' ' || r == '\u3000'
}

// isCurrency is a currency sign: ¥ ￥ $ € £ and the rest of Unicode's Sc category.
func isCurrency(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Sc, r)
}
