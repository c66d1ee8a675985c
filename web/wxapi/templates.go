package wxapi

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// The account's subscribe-message templates through the real newtmpl API (SPEC §17).

// templateItem is one template as gettemplate answers it, with the real field names.
type templateItem struct {
	PriTmplID string `json:"priTmplId"`
	Title     string `json:"title"`
	Content   string `json:"content"`
	Example   string `json:"example"`
	Type      int    `json:"type"`
	// KeywordEnumValues is always empty (the library has no enum keywords), but present
	// as in the real answers.
	KeywordEnumValues []enumValues `json:"keywordEnumValueList"`
}

type enumValues struct {
	KeywordCode   string   `json:"keywordCode"`
	EnumValueList []string `json:"enumValueList"`
}

type templatesBody struct {
	errorBody
	Data []templateItem `json:"data"`
}

// GetTemplates is GET /wxaapi/newtmpl/gettemplate: the account's templates, oldest first
// (a read, which the store does not count: counted here).
func (a *API) GetTemplates(c echo.Context) error {
	list, err := a.store.MessageTemplates(c.Request().Context(), AccountID(c))
	a.count(c, AccountID(c), err)
	if err != nil {
		return a.failWith(c, err, callIP(c))
	}
	out := templatesBody{errorBody: okStatus, Data: make([]templateItem, 0, len(list))}
	for _, t := range list {
		out.Data = append(out.Data, templateItem{PriTmplID: t.PriTmplID, Title: t.Title, Content: t.Content(), Example: t.Example(),
			Type: store.TemplateTypeOneTime, KeywordEnumValues: []enumValues{}})
	}
	return writeJSON(c, http.StatusOK, out)
}

// addRequest is addtemplate's body: tid a string or a number, kidList numbers.
type addRequest struct {
	TID       looseString `json:"tid"`
	KidList   []looseInt  `json:"kidList"`
	SceneDesc looseString `json:"sceneDesc"`
}

type addedBody struct {
	errorBody
	PriTmplID string `json:"priTmplId"`
}

// AddTemplate is POST /wxaapi/newtmpl/addtemplate, with a JSON body (what the SDKs send) or
// a form (what the current doc asks for: kidList=1&kidList=2, kidList[]=1 or
// kidList[0]=1). A body that is neither, or has no tid, is 200014 "missing parameter
// tid", as the real API answers a text/plain post; the same tid and kidList again is
// 200022 with the priTmplId already added.
func (a *API) AddTemplate(c echo.Context) error {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err // a body over the limit: HandleError answers it
	}
	in, ok := addForm(raw)
	if !ok || strings.TrimSpace(string(in.TID)) == "" {
		return a.refuse(c, int(store.APITemplateTID), msgMissingTID)
	}
	kids := make([]int, len(in.KidList))
	for i, k := range in.KidList {
		kids[i] = int(k)
	}
	id, err := a.store.AddMessageTemplate(c.Request().Context(), AccountID(c), string(in.TID), kids, string(in.SceneDesc))
	switch {
	case errors.Is(err, store.APITemplateExists):
		return writeJSON(c, http.StatusOK, addedBody{errorBody: errorBody{ErrCode: int(store.APITemplateExists),
			ErrMsg: a.withRid(c, apiMessages[int(store.APITemplateExists)])}, PriTmplID: id})
	case err != nil:
		return a.failWith(c, err, callIP(c))
	}
	return writeJSON(c, http.StatusOK, addedBody{errorBody: okStatus, PriTmplID: id})
}

// addForm reads addtemplate's body as JSON when it is a JSON object, else as a form.
func addForm(raw []byte) (addRequest, bool) {
	var in addRequest
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return in, decodeJSON(raw, &in) == bodyOK
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		return in, false
	}
	in.TID, in.SceneDesc = looseString(form.Get("tid")), looseString(form.Get("sceneDesc"))
	var indexed []struct{ at, kid int }
	for key, values := range form {
		at := -1
		switch {
		case key == "kidList" || key == "kidList[]":
		case strings.HasPrefix(key, "kidList[") && strings.HasSuffix(key, "]"):
			n, err := strconv.Atoi(key[len("kidList[") : len(key)-1])
			if err != nil {
				continue
			}
			at = n
		default:
			continue
		}
		for _, v := range values {
			kid, _ := strconv.Atoi(v) // not a number: 0, which no keyword has
			indexed = append(indexed, struct{ at, kid int }{at, kid})
		}
	}
	sort.SliceStable(indexed, func(i, j int) bool { return indexed[i].at < indexed[j].at })
	for _, k := range indexed {
		in.KidList = append(in.KidList, looseInt(k.kid))
	}
	return in, true
}

// DeleteTemplate is POST /wxaapi/newtmpl/deltemplate ({"priTmplId":…}): 20002 without
// one, 20001 for one the account does not have.
func (a *API) DeleteTemplate(c echo.Context) error {
	var in struct {
		PriTmplID string `json:"priTmplId"`
	}
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	if err := a.store.DeleteMessageTemplate(c.Request().Context(), AccountID(c), in.PriTmplID); err != nil {
		return a.failWith(c, err, callIP(c))
	}
	return writeJSON(c, http.StatusOK, okStatus)
}
