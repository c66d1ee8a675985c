package views

import (
	"context"
	"fmt"

	"mpconsole/store"
)

// The subscribe-message library speaks Chinese in the API, as the real platform does; the
// pages name its templates and keywords through the catalog, in the page's language.

// MessageTitle is a library template's title in the page's language; fallback (the
// platform's Chinese title, as a notice stores it) for a tid the catalog does not know.
func MessageTitle(ctx context.Context, tid int, fallback string) string {
	return tOr(ctx, fmt.Sprintf("msg.tmpl.%d", tid), fallback)
}

// KeywordName is a template keyword's name in the page's language, or fallback.
func KeywordName(ctx context.Context, tid, kid int, fallback string) string {
	return tOr(ctx, fmt.Sprintf("msg.kw.%d.%d", tid, kid), fallback)
}

// NoticeLineName names one line of a delivered notice in the page's language.
func NoticeLineName(ctx context.Context, n store.Notice, l store.NoticeLine) string {
	return KeywordName(ctx, n.TID, l.KID, l.Name)
}

// tOr translates id, or answers fallback when the catalog lacks it.
func tOr(ctx context.Context, id, fallback string) string {
	if s := T(ctx, id); s != id {
		return s
	}
	return fallback
}
