package views

import (
	"context"
	"slices"

	"mpconsole/store"
)

// openFor tells whether the form of list ("ips" or "domains") is shown: it was opened for
// editing, or its post failed.
func (v DevSettingsView) openFor(ctx context.Context, list string) bool {
	if !Can(ctx, store.ActEditDev) {
		return false
	}
	if v.Open == list {
		return true
	}
	fields := []string{"ips"}
	if list == "domains" {
		fields = store.DomainKinds
	}
	return slices.ContainsFunc(fields, func(f string) bool { return v.Form.Err(f) != "" })
}
