package wxapi

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

type sendRequest struct {
	ToUser     string `json:"touser"`
	TemplateID string `json:"template_id"`
	Page       string `json:"page"`
	// Data is {"thing1":{"value":…},…}; it stays raw so that any other shape (a JSON string,
	// as some clients send) reaches the store as no values, which the real API answers
	// with 47003 "is empty" for the first keyword.
	Data  json.RawMessage `json:"data"`
	State string          `json:"miniprogram_state"`
	Lang  string          `json:"lang"`
}

type sentBody struct {
	errorBody
	MsgID int64 `json:"msgid"`
}

// SubscribeSend is POST /cgi-bin/message/subscribe/send (SPEC §17): one message of a
// template the person accepted, delivered to their service notifications. Empty strings
// mean the defaults (silenceper/wechat sends every field, empty ones included).
func (a *API) SubscribeSend(c echo.Context) error {
	var in sendRequest
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	msgid, err := a.store.SendSubscribeMessage(c.Request().Context(), AccountID(c), in.ToUser, in.TemplateID, in.Page,
		dataValues(in.Data), in.State, in.Lang)
	if err != nil {
		return a.failWith(c, err, callIP(c))
	}
	return writeJSON(c, http.StatusOK, sentBody{errorBody: okStatus, MsgID: msgid})
}

// dataValues reads each key's value as text: a string as it is, a number as written (the
// SDKs' value is "any"), null or a missing value as empty. A key whose item is not an
// object is left out.
func dataValues(raw json.RawMessage) map[string]string {
	var items map[string]json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	out := make(map[string]string, len(items))
	for key, item := range items {
		var v struct {
			Value looseString `json:"value"`
		}
		if json.Unmarshal(item, &v) == nil {
			out[key] = string(v.Value)
		}
	}
	return out
}
