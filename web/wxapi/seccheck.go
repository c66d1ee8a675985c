package wxapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// secVersion is the only msg_sec_check version simulated: 2, with openid and scene.
const secVersion = 2

type secBody struct {
	errorBody
	store.SecCheck
}

// MsgSecCheck is POST /wxa/msg_sec_check (version 2, SPEC §17): the verdict on content from
// the account's word list. A version other than 2 (the retired version 1 sends content
// alone) is 40097; the store answers the scene and openid errcodes.
func (a *API) MsgSecCheck(c echo.Context) error {
	var in struct {
		Content string `json:"content"`
		Version int    `json:"version"`
		Scene   int    `json:"scene"`
		OpenID  string `json:"openid"`
	}
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	if in.Version != secVersion {
		return a.refuse(c, int(store.APIInvalidArgs), "")
	}
	res, err := a.store.CheckText(c.Request().Context(), AccountID(c), in.OpenID, in.Content, in.Scene)
	if err != nil {
		return a.failWith(c, err, callIP(c))
	}
	return writeJSON(c, http.StatusOK, secBody{errorBody: okStatus, SecCheck: res})
}
