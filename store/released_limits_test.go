package store

import (
	"fmt"
	"testing"
)

// "released" is the real release state (SPEC §12 → §9): an enterprise's project-member list
// holds 30 until its first release through Release, then 60; nothing else marks it.
func TestMemberLimitFollowsRealRelease(t *testing.T) {
	e := newVerEnv(t, "enterprise").ready()
	added, tried := 3, 0 // operator, developer, analyst
	add := func() error {
		tried++
		p := e.person(fmt.Sprintf("limit_%02d", tried))
		_, err := e.st.AddProjectMember(e.ctx, e.acct.ID, e.admin.ID, p.WechatID, []string{"analyst"})
		if err == nil {
			added++
		}
		return err
	}
	for added < 30 {
		must(t, add())
	}
	wantCode(t, add(), "wechat_id", "member_quota")
	// An approved version not yet released changes nothing.
	e.approved("1.0.0")
	wantCode(t, add(), "wechat_id", "member_quota")
	must(t, e.st.Release(e.ctx, e.acct.ID, e.admin.ID, ModeFull, PhasePlan{}))
	for added < 60 {
		must(t, add())
	}
	wantCode(t, add(), "wechat_id", "member_quota")
}
