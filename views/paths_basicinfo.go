package views

import (
	"fmt"
	"net/url"
	"strings"
)

// PathCategoryDelete removes one of the account's service categories (POST); its GET asks
// first.
func PathCategoryDelete(id int64) string {
	return fmt.Sprintf("/settings/basic/categories/%d/delete", id)
}

// PathIcon is where an account's icon is served; the version query changes with the icon,
// so a page never shows a stale copy from the browser's memory cache.
func PathIcon(appid, etag string) string {
	p := "/icons/" + url.PathEscape(appid)
	if v := strings.Trim(etag, `"`); v != "" {
		p += "?v=" + url.QueryEscape(v)
	}
	return p
}

// PathOpsDecide records a reviewer's decision on one waiting item.
func PathOpsDecide(kind string, id int64) string {
	return fmt.Sprintf("/ops/%s/%d", url.PathEscape(kind), id)
}

// PathOpsAuthDocument shows the qualification document of an authentication request.
func PathOpsAuthDocument(id int64) string { return fmt.Sprintf("/ops/authentication/%d/document", id) }
