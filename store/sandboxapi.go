package store

import (
	"context"
	"errors"
)

// The automation API's operations on people (SPEC §18): each acts for the token's account
// through the same functions the simulated WeChat uses, so a person the API steers meets
// the same rules as one tapping through /wx. People are named by their WeChat ID; one
// that does not exist is wechat_id_not_found on "wechat_id".

// sandboxPersonPasswordLen is the length of the random password a person created without
// one gets: they can still sign in to /wx once someone sets it, but nobody knows it.
const sandboxPersonPasswordLen = 32

// CreateSandboxPerson creates a simulator identity for the account's automation API and
// records it as part of the account's sandbox state. Without a password the person gets a
// random one.
func (s *Store) CreateSandboxPerson(ctx context.Context, accountID int64, n NewPerson) (Person, error) {
	if n.Password == "" {
		n.Password = randomHex(sandboxPersonPasswordLen)
	}
	n.SandboxAccount = accountID
	return s.CreatePerson(ctx, n)
}

// AddMemberAtOnce is the automation API adding a member: a project member is active at
// once, without an invitation to accept; the limits of AddProjectMember hold. kind is
// project (with roles) or experience.
func (s *Store) AddMemberAtOnce(ctx context.Context, accountID int64, wechatID, kind string, roles []string) (Member, error) {
	p := Problems{}
	var rs Roles
	switch kind {
	case KindProject:
		var code string
		if rs, code = checkProjectRoles(roles); code != "" {
			p.Add("roles", code)
		}
	case KindExperience:
	default:
		return Member{}, invalid("kind", "member_kind_invalid")
	}
	return s.addMember(ctx, accountID, 0, wechatID, kind, rs, p, true)
}

// sandboxTarget is the person of wechatID and the account's AppID.
func (s *Store) sandboxTarget(ctx context.Context, accountID int64, wechatID string) (Person, string, error) {
	a, err := s.AccountByID(ctx, accountID)
	if err != nil {
		return Person{}, "", err
	}
	p, err := s.PersonByWechatID(ctx, wechatID)
	if errors.Is(err, ErrNotFound) {
		return Person{}, "", invalid("wechat_id", "wechat_id_not_found")
	}
	return p, a.AppID, err
}

// SandboxLoginCode is the person opening the account's mini program, as wx.login in the
// simulator: env "" opens the first version the person may open as a member (OpenApp);
// release, trial or develop open that environment by its rules (OpenVersion). A person who
// may not open it is not_member on "wechat_id".
func (s *Store) SandboxLoginCode(ctx context.Context, accountID int64, wechatID, env string) (JSCode, error) {
	p, appid, err := s.sandboxTarget(ctx, accountID, wechatID)
	if err != nil {
		return JSCode{}, err
	}
	var code JSCode
	if env == "" {
		code, err = s.OpenApp(ctx, p.ID, appid, "")
	} else {
		_, code, err = s.OpenVersion(ctx, p.ID, appid, env)
	}
	if errors.Is(err, ErrForbidden) {
		return JSCode{}, invalid("wechat_id", "not_member")
	}
	return code, err
}

// SandboxPhoneCode is the person sharing their phone number with the account's mini
// program (SharePhone): app_not_opened on "wechat_id" before a login code was issued.
func (s *Store) SandboxPhoneCode(ctx context.Context, accountID int64, wechatID string) (PhoneCode, error) {
	p, appid, err := s.sandboxTarget(ctx, accountID, wechatID)
	if err != nil {
		return PhoneCode{}, err
	}
	code, err := s.SharePhone(ctx, p.ID, appid)
	if errors.Is(err, ErrForbidden) {
		return PhoneCode{}, invalid("wechat_id", "app_not_opened")
	}
	return code, err
}

// SandboxSubscribe is the person accepting the account's template once
// (AcceptSubscription): template_not_found on "template_id", app_not_opened on "wechat_id".
func (s *Store) SandboxSubscribe(ctx context.Context, accountID int64, wechatID, templateID string) error {
	p, appid, err := s.sandboxTarget(ctx, accountID, wechatID)
	if err != nil {
		return err
	}
	err = s.AcceptSubscription(ctx, p.ID, appid, templateID)
	switch {
	case errors.Is(err, ErrForbidden):
		return invalid("wechat_id", "app_not_opened")
	case errors.Is(err, ErrNotFound):
		return invalid("template_id", "template_not_found")
	}
	return err
}

// SandboxNotices are the person's service notifications from the account's mini program
// only, newest first, at most NoticeLimit.
func (s *Store) SandboxNotices(ctx context.Context, accountID int64, wechatID string) ([]Notice, error) {
	p, _, err := s.sandboxTarget(ctx, accountID, wechatID)
	if err != nil {
		return nil, err
	}
	out, err := s.notices(ctx, p.ID, accountID)
	if out == nil && err == nil {
		out = []Notice{}
	}
	return out, err
}
