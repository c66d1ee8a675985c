package store

// Pure validation rules of the product contract. Nothing here touches the database or the
// clock, so every rule can be checked by a table test and reused by the web layer to give
// field errors before a write is attempted. Error codes are strings matching the product spec;
// these functions only answer "valid or not" and the caller picks the code.

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Name length limits in display units (see NameUnits): a Han character is as wide as two
// Latin letters, so "two Han characters" and "four letters" are both the minimum.
const NameMinUnits, NameMaxUnits = 4, 30

// idWeights are the GB 11643 (ISO 7064 MOD 11-2) weights for the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDNumberWithCheck returns first17 followed by its GB 11643 check character, or "" when
// first17 is not exactly 17 ASCII digits. It exists so tests and demo data never hard-code
// check characters that could be wrong.
func IDNumberWithCheck(first17 string) string {
	if len(first17) != 17 || !rulesAllDigits(first17) {
		return ""
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

// NormalizeIDNumber trims surrounding spaces and upper-cases the check character, because
// people type a lower-case x and paste with spaces; the stored form must be canonical so
// uniqueness checks compare like with like.
func NormalizeIDNumber(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// CheckIDNumber reports whether s is a mainland resident ID number: 18 characters, 17
// digits plus a GB 11643 check character (a lower-case x is tolerated), with a real birth
// date YYYYMMDD at positions 7-14 in 1900..2100. The check character catches typos; the date
// check catches numbers that merely happen to have a right check character.
func CheckIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	want := IDNumberWithCheck(s[:17])
	if want == "" || want[17] != rulesUpperASCII(s[17]) {
		return false
	}
	y, _ := strconv.Atoi(s[6:10])
	m, _ := strconv.Atoi(s[10:12])
	d, _ := strconv.Atoi(s[12:14])
	if y < 1900 || y > 2100 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d // rejects 0230, 1301, 0100
}

// creditCharset is the GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V,
// which are too easily confused with 1, 0, 2, 5 and U.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeWithCheck returns first17 followed by its GB 32100 check character, or "" when
// first17 is not 17 characters of the (upper-case) credit code alphabet. Used for tests and
// demo data.
func CreditCodeWithCheck(first17 string) string {
	if len(first17) != 17 {
		return ""
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return ""
		}
		sum += v * creditWeights[i]
	}
	return first17 + string(creditCharset[(31-sum%31)%31])
}

// NormalizeCreditCode trims and upper-cases, so a pasted lower-case code is stored (and
// compared for uniqueness) in its canonical form.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// CheckCreditCode reports whether s is an 18-character unified social credit code (GB
// 32100-2015) with a valid registration-authority code (1-9, A, N or Y) and check character.
// Only upper case is accepted: callers normalize first, so what is checked is what is stored.
func CheckCreditCode(s string) bool {
	if len(s) != 18 || !strings.ContainsRune("123456789ANY", rune(s[0])) {
		return false
	}
	return CreditCodeWithCheck(s[:17]) == s
}

// NormalizeEmail trims and lower-cases: addresses are used as login names, and two spellings
// of one mailbox must not become two accounts.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// CheckEmail reports whether s is a bare e-mail address: parseable by net/mail, with no
// display name, comments or quoting (the parsed address must equal s), exactly one '@', a
// domain containing a dot (no domain literals), no whitespace and at most 254 bytes (the SMTP
// path limit). Anything looser would store addresses that mail cannot be delivered to.
func CheckEmail(s string) bool {
	// The '@' count and whitespace test are also implied by the equality below; they are
	// kept explicit because they are the stated rule.
	if s == "" || len(s) > 254 || strings.Count(s, "@") != 1 || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s { // a display name, comment or quoting changes Address
		return false
	}
	domain := s[strings.IndexByte(s, '@')+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, "[")
}

// CheckPassword reports whether s is 8 to 72 bytes of printable ASCII without spaces
// (0x21-0x7E). 72 bytes is where bcrypt silently truncates; ASCII only avoids passwords that
// cannot be typed the same way on another keyboard or that normalize differently.
func CheckPassword(s string) bool {
	if len(s) < 8 || len(s) > 72 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// CheckWechatID reports whether s follows WeChat's own ID format: 6-20 characters, an ASCII
// letter first, then ASCII letters, digits, '_' or '-'. Rejecting other shapes early avoids
// inviting members by an ID WeChat could never have issued.
func CheckWechatID(s string) bool {
	if len(s) < 6 || len(s) > 20 || !rulesIsLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !rulesIsLetter(c) && !rulesIsDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// CheckNickname reports whether s, once trimmed, is 1-32 runes of valid UTF-8 without
// control characters, which would break layouts and logs.
func CheckNickname(s string) bool {
	return rulesText(strings.TrimSpace(s), 1, 32)
}

// CheckIntro reports whether s, once trimmed, is 4-120 runes of valid UTF-8 without control
// characters (not even newlines: the intro is shown on one line).
func CheckIntro(s string) bool {
	return rulesText(strings.TrimSpace(s), 4, 120)
}

// CheckPhone reports whether s is a mainland mobile number (^1[3-9]\d{9}$); other shapes
// cannot receive the SMS the product sends.
func CheckPhone(s string) bool {
	return len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && rulesAllDigits(s)
}

// NameUnits measures s in display units: a CJK character (Han, CJK punctuation, full-width
// forms) counts 2 and anything else 1, because that is how wide it renders and how the
// platform counts name length.
func NameUnits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// CheckNameChars reports whether s is non-blank and uses only ASCII letters and digits, Han
// characters, spaces and - _ · ( ) （ ）. unicode.IsLetter would let in look-alike scripts
// and symbols that the platform rejects; length is checked separately with NameUnits.
func CheckNameChars(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		ok := r < utf8.RuneSelf && (rulesIsLetter(byte(r)) || rulesIsDigit(byte(r)))
		if !ok && !unicode.Is(unicode.Han, r) && !strings.ContainsRune(" -_·()（）", r) {
			return false
		}
	}
	return true
}

// rulesText reports whether s is valid UTF-8 of min..max runes with no control characters.
func rulesText(s string, min, max int) bool {
	n := utf8.RuneCountInString(s)
	return utf8.ValidString(s) && n >= min && n <= max && !strings.ContainsFunc(s, unicode.IsControl)
}

func rulesAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !rulesIsDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func rulesIsDigit(c byte) bool { return c >= '0' && c <= '9' }

func rulesIsLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func rulesUpperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
