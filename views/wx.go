package views

import (
	"context"
	"strings"
)

// wxScanNext tells whether next is a scanned code, which the person signs in to confirm.
func wxScanNext(next string) bool { return strings.HasPrefix(next, "/wx/scan/") }

// wxTabCurrent tells whether the request is on tab's page ("me" only on /wx itself).
func wxTabCurrent(ctx context.Context, tab wxTab) bool {
	p := chrome(ctx).Path
	if tab.Path == PathWx {
		return p == PathWx
	}
	return p == tab.Path || strings.HasPrefix(p, tab.Path+"/")
}
