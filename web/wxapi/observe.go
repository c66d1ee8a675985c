package wxapi

import (
	"strconv"

	"mpconsole/store"
)

// OtherLabel is the endpoint of a call to a path the API does not have, and the errcode
// of an answer whose code is not one of the API's own (a fault rule may answer any code):
// a metric's labels stay as few as the API's endpoints and errcodes, whatever is called.
const OtherLabel = "other"

// errcodeLabels are the label values of the API's own errcodes, made once so that
// counting a call does not format a number.
var errcodeLabels = func() map[int]string {
	out := map[int]string{0: "0"}
	for code := range apiMessages {
		out[code] = strconv.Itoa(code)
	}
	return out
}()

// observe hands a journaled call's endpoint and errcode, bounded as above, to
// Options.Observe. It runs in the entry's Finish, off the call's path, where the journal
// has read the errcode anyway; so a call shows within store.JournalFlushEvery, and one the
// journal dropped while the database was slow is not counted here (the server's request
// counter, by route and status, still counts it).
func (a *API) observe(e *store.JournalEntry) {
	if a.onCall == nil {
		return
	}
	endpoint, code := e.Endpoint, errcodeLabels[e.ErrCode]
	if !a.paths[endpoint] {
		endpoint = OtherLabel
	}
	if code == "" {
		code = OtherLabel
	}
	a.onCall(endpoint, code)
}
