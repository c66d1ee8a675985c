package wxapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

type phoneBody struct {
	errorBody
	PhoneInfo store.PhoneInfo `json:"phone_info"`
}

// PhoneNumber is POST /wxa/business/getuserphonenumber (SPEC §17): the one-time code a
// person got by sharing the number in the opened mini program becomes the number. A
// missing, bad, used, expired or other app's code is 40029.
func (a *API) PhoneNumber(c echo.Context) error {
	var in struct {
		Code string `json:"code"`
	}
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	info, err := a.store.PhoneNumberForCode(c.Request().Context(), AccountID(c), in.Code)
	if err != nil {
		return a.failWith(c, err, callIP(c))
	}
	return writeJSON(c, http.StatusOK, phoneBody{errorBody: okStatus, PhoneInfo: info})
}
