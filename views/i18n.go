package views

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The catalog: one JSON file per feature and language under locales/, named
// FEATURE.LANG.json, so features add strings without touching each other's files.
//
//go:embed locales/*.json
var locales embed.FS

// Languages are the languages the product speaks, the default first.
var Languages = []language.Tag{language.MustParse("zh-CN"), language.English}

var (
	bundle  = loadBundle()
	matcher = language.NewMatcher(Languages)
)

func loadBundle() *i18n.Bundle {
	b := i18n.NewBundle(Languages[0])
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, _ := fs.Glob(locales, "locales/*.json")
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(locales, f); err != nil {
			panic(fmt.Sprintf("catalog %s: %v", f, err))
		}
	}
	return b
}

// MatchLanguage picks the best supported language for a ?lang=, cookie or
// Accept-Language value; ok is false when none of them names a language we speak.
func MatchLanguage(prefs ...string) (string, bool) {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, idx, conf := matcher.Match(tags...)
		if conf != language.No {
			return Languages[idx].String(), true
		}
	}
	return Languages[0].String(), false
}

type localeKey struct{}

type locale struct {
	lang string
	loc  *i18n.Localizer
}

// WithLanguage puts the request's language into ctx, for T.
func WithLanguage(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, localeKey{}, &locale{lang: lang, loc: i18n.NewLocalizer(bundle, lang)})
}

func localeOf(ctx context.Context) *locale {
	if l, ok := ctx.Value(localeKey{}).(*locale); ok {
		return l
	}
	return &locale{lang: Languages[0].String(), loc: i18n.NewLocalizer(bundle, Languages[0].String())}
}

// Lang is the request's language tag (zh-CN or en).
func Lang(ctx context.Context) string { return localeOf(ctx).lang }

// T translates a message id; data fills {{.Name}} placeholders. A missing id shows as
// the id itself, which the catalog test forbids.
func T(ctx context.Context, id string, data ...map[string]any) string {
	l := localeOf(ctx)
	if len(data) > 0 {
		return l.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data[0]})
	}
	k := plainKey{l.lang, id}
	if s, ok := plain.Load(k); ok {
		return s.(string)
	}
	s := l.localize(&i18n.LocalizeConfig{MessageID: id})
	plain.Store(k, s)
	return s
}

// plain remembers the texts of messages asked for without data, by language and id: the
// catalog is fixed at build time, and looking a message up through go-i18n (matching the
// language, executing its template) was a seventh of the members page's CPU time with its
// thousand strings. It holds at most every id in every language.
var plain sync.Map

type plainKey struct{ lang, id string }

func (l *locale) localize(cfg *i18n.LocalizeConfig) string {
	s, err := l.loc.Localize(cfg)
	if err != nil {
		return cfg.MessageID
	}
	return s
}

// Known tells whether the catalog has a message of this id.
func Known(id string) bool {
	_, err := localeOf(context.Background()).loc.Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// StatusText is the translated headline of an error page.
func StatusText(ctx context.Context, status int) string {
	s := T(ctx, fmt.Sprintf("status.%d", status))
	if s == fmt.Sprintf("status.%d", status) {
		return http.StatusText(status)
	}
	return s
}
