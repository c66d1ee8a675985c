package store

import "fmt"

// The errcodes of the server API behind an access token (SPEC §17) that the store decides;
// the web layer owns their errmsg texts (the real ones are in its table).
const (
	APIInvalidOpenID     APIError = 40003  // touser / openid unknown to the app
	APIInvalidTemplateID APIError = 40037  // subscribe/send: not one of the account's templates
	APIInvalidArgs       APIError = 40097  // codes: a bad env_version; send: a bad miniprogram_state or lang
	APIInvalidScene      APIError = 40129  // getwxacodeunlimit: a character outside the allowed set; msg_sec_check: scene not 1–4
	APIInvalidPath       APIError = 40159  // getwxacode, createwxaqrcode: path empty or too long
	APIInvalidSceneLen   APIError = 40169  // getwxacodeunlimit: scene empty or over 32 characters
	APIInvalidPage       APIError = 41030  // a page not in the released package (or nothing released)
	APIUserRefused       APIError = 43101  // subscribe/send: no one-time subscription left
	APIOpenIDMismatch    APIError = 43104  // msg_sec_check: an openid of another app
	APICodeQuota         APIError = 45029  // getwxacode + createwxaqrcode: 100,000 codes per account
	APIArgumentInvalid   APIError = 47003  // subscribe/send: a data value; always wrapped in *ArgumentError
	APIVisitExpired      APIError = 61010  // msg_sec_check: the person did not open the app in the last 2 hours
	APIScancodeTime      APIError = 85096  // codes: scancode_time is a reserved parameter
	APITemplateDelete    APIError = 20001  // deltemplate: no such template in this account
	APITemplateDelArgs   APIError = 20002  // deltemplate: priTmplId missing
	APITemplateQuota     APIError = 200012 // addtemplate: the account's template limit is reached
	APITemplateTID       APIError = 200014 // addtemplate: tid is not in the library
	APITemplateKids      APIError = 200020 // addtemplate: kidList has not 2–5 distinct keywords of the template
	APITemplateScene     APIError = 200021 // addtemplate: sceneDesc over 15 characters
	APITemplateExists    APIError = 200022 // addtemplate: the same tid and kidList is already added
)

// ArgumentError is a 47003 refusal of subscribe/send, naming the data key as the real errmsg
// does: "argument invalid! data.thing1.value invalid" for a value that breaks its keyword's
// rule, "argument invalid! data.thing1.value is empty" for a missing or empty one. errors.As
// with an APIError finds 47003 in it.
type ArgumentError struct {
	Key   string // the template key, e.g. "thing1"
	Empty bool
}

func (e *ArgumentError) Error() string {
	if e.Empty {
		return fmt.Sprintf("argument invalid! data.%s.value is empty", e.Key)
	}
	return fmt.Sprintf("argument invalid! data.%s.value invalid", e.Key)
}

// Unwrap lets errors.As(err, &apiError) see 47003.
func (e *ArgumentError) Unwrap() error { return APIArgumentInvalid }
