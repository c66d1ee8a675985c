package store

import "strconv"

// Magic values (SPEC §18): inputs a test suite sends to get one refusal on demand, as the
// real API gives it, without arranging the state that causes it. Each is checked after
// the checks the real API makes first (AppID, secret, whitelist, access token) and before
// anything is read or written, so a magic value spends no code and counts nothing but the
// refused call itself.
const (
	// ReasonMagic is the journal's reason for an answer a magic value asked for.
	ReasonMagic = "magic_value"
	// APICodeUsed is jscode2session's answer for a js_code spent before (real 40163).
	APICodeUsed APIError = 40163
	// APICodeBlocked is jscode2session's answer for a login of a high-risk user (real 40226).
	APICodeBlocked APIError = 40226
)

// magicJSCodes are the js_code values jscode2session answers with their errcode.
var magicJSCodes = map[string]APIError{
	"magic-40029": APIInvalidCode,
	"magic-40163": APICodeUsed,
	"magic-40226": APICodeBlocked,
	"magic-45011": APIMinuteQuota,
}

// magicRefusal is the refusal a magic value asks for, with the value named for the journal.
func magicRefusal(code APIError, value string) *Refusal {
	return refuse(code, ReasonMagic, "Value", value, "Code", strconv.Itoa(int(code)))
}

// magicJSCode is the refusal of a magic js_code, or nil for any other code.
func magicJSCode(code string) error {
	if c, ok := magicJSCodes[code]; ok {
		return magicRefusal(c, code)
	}
	return nil
}
