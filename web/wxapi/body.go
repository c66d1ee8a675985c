package wxapi

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/labstack/echo/v4"
)

// bodyShape is how a request body turned out when read as the real API reads it.
type bodyShape int

const (
	bodyOK      bodyShape = iota
	bodyEmpty             // nothing but whitespace
	bodyNotJSON           // not a JSON object of the fields' types
)

// decodeJSON reads raw into v, a pointer to a struct. The content type is not looked at:
// curl -d sends JSON as a form, and SDKs label it in several ways. Whitespace around the
// object is fine (silenceper/wechat ends its bodies with a newline).
func decodeJSON(raw []byte, v any) bodyShape {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return bodyEmpty
	case raw[0] != '{' || json.Unmarshal(raw, v) != nil:
		return bodyNotJSON
	}
	return bodyOK
}

// bind reads the JSON body of a call behind an access token into v and answers (and counts)
// the refusal of a body that is empty (errcode empty) or not JSON (notJSON): when handled,
// the handler returns err, which may be a
// failure to read, such as a body over the server's limit (HandleError answers it).
func (a *API) bind(c echo.Context, v any, empty, notJSON int) (handled bool, err error) {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return true, err
	}
	switch decodeJSON(raw, v) {
	case bodyEmpty:
		return true, a.refuse(c, empty, "")
	case bodyNotJSON:
		return true, a.refuse(c, notJSON, "")
	}
	return false, nil
}

// looseString reads a JSON string, or a number as written: the real API documents some
// identifiers as strings that clients send as numbers (addtemplate's tid, a scene).
type looseString string

func (s *looseString) UnmarshalJSON(b []byte) error {
	var str string
	switch {
	case json.Unmarshal(b, &str) == nil:
		*s = looseString(str)
	case string(b) == "null":
		*s = ""
	default:
		*s = looseString(b)
	}
	return nil
}

// looseInt reads a JSON integer or a string of one; anything else reads as 0, which no
// keyword id has, so a kidList entry of another type is refused as the list's errcode.
type looseInt int

func (n *looseInt) UnmarshalJSON(b []byte) error {
	var s looseString
	s.UnmarshalJSON(b)
	v, err := strconv.Atoi(string(s))
	if err != nil {
		v = 0
	}
	*n = looseInt(v)
	return nil
}
