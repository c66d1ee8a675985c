package sandboxapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// The operations on people: identities of the simulated WeChat, made members of the
// account at once, opening its mini program, sharing a phone number, accepting a
// template, and reading their service notifications from it.

type personBody struct {
	WechatID string `json:"wechat_id"`
	Nickname string `json:"nickname"`
	Phone    string `json:"phone"`
	OpenID   string `json:"openid"` // in the token's mini program
}

// CreatePerson is POST /people: {wechat_id, nickname, phone?, password?} → 201.
func (a *API) CreatePerson(c echo.Context) error {
	var in struct {
		WechatID string `json:"wechat_id"`
		Nickname string `json:"nickname"`
		Phone    string `json:"phone"`
		Password string `json:"password"`
	}
	if handled, err := bind(c, &in); handled {
		return err
	}
	ctx := c.Request().Context()
	p, err := a.store.CreateSandboxPerson(ctx, account(c), store.NewPerson{WechatID: in.WechatID, Nickname: in.Nickname, Phone: in.Phone, Password: in.Password})
	if err != nil {
		return a.answer(c, err, nil)
	}
	acc, err := a.store.AccountByID(ctx, account(c))
	if err != nil {
		return err
	}
	openid, err := a.store.OpenID(ctx, acc.AppID, p.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, personBody{WechatID: p.WechatID, Nickname: p.Nickname, Phone: p.Phone, OpenID: openid})
}

// AddMember is POST /members: {wechat_id, kind?: project|experience, roles?} → 201. A
// project member is active at once; the member limits still apply.
func (a *API) AddMember(c echo.Context) error {
	var in struct {
		WechatID string   `json:"wechat_id"`
		Kind     string   `json:"kind"`
		Roles    []string `json:"roles"`
	}
	if handled, err := bind(c, &in); handled {
		return err
	}
	if in.Kind == "" {
		in.Kind = store.KindProject
	}
	m, err := a.store.AddMemberAtOnce(c.Request().Context(), account(c), in.WechatID, in.Kind, in.Roles)
	if err != nil {
		return a.answer(c, err, nil)
	}
	roles := []string{}
	for _, r := range m.Roles {
		roles = append(roles, string(r))
	}
	return c.JSON(http.StatusCreated, map[string]any{"wechat_id": m.WechatID, "kind": m.Kind, "roles": roles, "status": m.Status})
}

// LoginCode is POST /login-codes: {wechat_id, env?} → 201 with a js_code for
// /sns/jscode2session, as wx.login gives one in the simulator.
func (a *API) LoginCode(c echo.Context) error {
	var in struct {
		WechatID string `json:"wechat_id"`
		Env      string `json:"env"`
	}
	if handled, err := bind(c, &in); handled {
		return err
	}
	code, err := a.store.SandboxLoginCode(c.Request().Context(), account(c), in.WechatID, in.Env)
	if err != nil {
		return a.answer(c, err, nil)
	}
	return c.JSON(http.StatusCreated, map[string]any{"js_code": code.Code, "env": code.Env, "expires_at": code.ExpiresAt.UTC().Format(time.RFC3339)})
}

// PhoneCode is POST /phone-codes: {wechat_id} → 201 with a code for getuserphonenumber.
func (a *API) PhoneCode(c echo.Context) error {
	var in struct {
		WechatID string `json:"wechat_id"`
	}
	if handled, err := bind(c, &in); handled {
		return err
	}
	code, err := a.store.SandboxPhoneCode(c.Request().Context(), account(c), in.WechatID)
	if err != nil {
		return a.answer(c, err, nil)
	}
	return c.JSON(http.StatusCreated, map[string]any{"code": code.Code, "expires_at": code.ExpiresAt.UTC().Format(time.RFC3339)})
}

// Subscribe is POST /subscriptions: {wechat_id, template_id} → 201; the account may send
// the person one more message of the template.
func (a *API) Subscribe(c echo.Context) error {
	var in struct {
		WechatID   string `json:"wechat_id"`
		TemplateID string `json:"template_id"`
	}
	if handled, err := bind(c, &in); handled {
		return err
	}
	if err := a.store.SandboxSubscribe(c.Request().Context(), account(c), in.WechatID, in.TemplateID); err != nil {
		return a.answer(c, err, nil)
	}
	return c.JSON(http.StatusCreated, map[string]any{"wechat_id": in.WechatID, "template_id": in.TemplateID})
}

type noticeBody struct {
	ID     int64              `json:"id"`
	TID    int                `json:"tid"`
	Title  string             `json:"title"`
	Lines  []store.NoticeLine `json:"lines"`
	Page   string             `json:"page"`
	State  string             `json:"state"`
	Lang   string             `json:"lang"`
	SentAt string             `json:"sent_at"`
}

// Notices is GET /notices?person=WECHAT_ID: the person's service notifications from the
// token's mini program, newest first.
func (a *API) Notices(c echo.Context) error {
	person := c.QueryParam("person")
	if person == "" {
		return failFields(c, http.StatusUnprocessableEntity, map[string]string{"person": "person_required"})
	}
	ns, err := a.store.SandboxNotices(c.Request().Context(), account(c), person)
	if err != nil {
		return a.answer(c, err, map[string]string{"wechat_id": "person"})
	}
	out := []noticeBody{}
	for _, n := range ns {
		out = append(out, noticeBody{ID: n.ID, TID: n.TID, Title: n.Title, Lines: n.Lines, Page: n.Page, State: n.State, Lang: n.Lang,
			SentAt: n.SentAt.UTC().Format(time.RFC3339)})
	}
	return c.JSON(http.StatusOK, map[string]any{"notices": out})
}
