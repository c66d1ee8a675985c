package wxapi

import (
	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// noteKey is where a call that carries the AppSecret leaves its store.CallNote.
const noteKey = "wxapi.note"

// callNote gives the call a note the store may fill in (a log-only whitelist letting it
// through) and the journal reads.
func callNote(c echo.Context) *store.CallNote {
	n := &store.CallNote{}
	c.Set(noteKey, n)
	return n
}

// journalReason is what the journal says of the call: the refusal's reason, or the note
// of a call the strict rules would have refused; nil for neither.
func journalReason(c echo.Context) *store.Refusal {
	if r, ok := c.Get(refusalKey).(*store.Refusal); ok {
		return r
	}
	if n, ok := c.Get(noteKey).(*store.CallNote); ok {
		return n.Refusal
	}
	return nil
}
