package views

import (
	"context"
	"strconv"
	"strings"

	"mpconsole/store"
)

// MessagesView is the console's subscribe-message page: the account's templates and the
// library, filtered by Query.
type MessagesView struct {
	Templates []store.MessageTemplate
	Query     string
}

// MessageNewView is the form that adds a library template with chosen keywords; Known is
// false for a tid the library does not have (the form then asks for nothing but shows why).
type MessageNewView struct {
	Template store.LibraryTemplate
	Known    bool
	Form     Form // tid, kids (space-separated kids as ticked), scene_desc
}

// LibraryMatches is the library filtered by q: a template matches when its tid, its title
// or a keyword's name, in the platform's Chinese or in the page's language, holds q
// (ignoring case). An empty q keeps the whole library.
func LibraryMatches(ctx context.Context, q string) []store.LibraryTemplate {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return store.MessageLibrary
	}
	var out []store.LibraryTemplate
	for _, t := range store.MessageLibrary {
		texts := []string{strconv.Itoa(t.TID), t.Title, MessageTitle(ctx, t.TID, t.Title)}
		for _, k := range t.Keywords {
			texts = append(texts, k.Name, KeywordName(ctx, t.TID, k.KID, k.Name))
		}
		for _, s := range texts {
			if strings.Contains(strings.ToLower(s), q) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// kidTicked tells whether the form ticked keyword kid.
func kidTicked(f Form, kid int) bool {
	return strings.Contains(" "+f.V("kids")+" ", " "+strconv.Itoa(kid)+" ")
}

// MessageRemoveConfirm asks before one of the account's templates is removed.
func MessageRemoveConfirm(ctx context.Context, t store.MessageTemplate) Confirm {
	return Confirm{
		Title:    T(ctx, "messages.remove_title"),
		Question: T(ctx, "messages.remove_question", map[string]any{"Title": MessageTitle(ctx, t.TID, t.Title)}),
		Action:   PathMessageDelete(t.PriTmplID), Button: "messages.remove", Back: PathMessages, TestID: "template-delete",
	}
}

// keywordNames lists a template's keywords in the page's language.
func keywordNames(ctx context.Context, tid int, ks []store.TemplateKeyword) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = KeywordName(ctx, tid, k.KID, k.Name)
	}
	return strings.Join(names, T(ctx, "sep.list"))
}
