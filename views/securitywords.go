package views

import (
	"context"

	"mpconsole/store"
)

// securityWordsOpen tells whether the word list's form is shown: opened for editing, or
// its post failed; only to those who may edit it.
func securityWordsOpen(ctx context.Context, f Form, open string) bool {
	return Can(ctx, store.ActEditDev) && (open == "words" || f.Err("words") != "")
}
