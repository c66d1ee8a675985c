package views

import (
	"context"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"mpconsole/store"
)

// Every operation-log action the store can write has its text in both languages, and the
// catalog holds no text for an action that no longer exists. The store declares every
// action in one list (store.OpActions) and its logOp accepts nothing else, so a new action
// without a text fails here.
func TestOpLogActionsInCatalog(t *testing.T) {
	actions := store.OpActions()
	if len(actions) < 50 || !slices.Contains(actions, "name_set") || !slices.Contains(actions, "admin_bound") {
		t.Fatalf("store.OpActions() = %v: the list lost actions", actions)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		ctx := WithLanguage(context.Background(), lang)
		for _, code := range actions {
			if id := "oplog.action." + code; T(ctx, id) == id {
				t.Errorf("%s: action %q has no text (%s)", lang, code, id)
			}
		}
	}
	files, _ := fs.Glob(locales, "locales/*.json")
	for _, f := range files {
		b, _ := fs.ReadFile(locales, f)
		var ids map[string]string
		if err := json.Unmarshal(b, &ids); err != nil {
			t.Fatal(err)
		}
		for id := range ids {
			if code, ok := strings.CutPrefix(id, "oplog.action."); ok && !slices.Contains(actions, code) {
				t.Errorf("%s: %s is the text of no action", f, id)
			}
		}
	}
}
