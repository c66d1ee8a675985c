package store

import (
	"context"
	"errors"
	"testing"
)

// Freezing and unfreezing the AppSecret need the administrator's freeze_secret scan
// (SPEC §10): nothing changes until it is confirmed and completed, a project member's
// confirmation is refused, and each token works once.
func TestFreezeNeedsTheAdministratorsScan(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	dev := e.person("dev_cred", "")
	m, err := e.st.AddProjectMember(ctx, e.acct.ID, e.admin.ID, dev.WechatID, []string{"developer"})
	must(t, err)
	must(t, e.st.DecideInvitation(ctx, dev.ID, m.ID, true))

	token, err := e.st.StartSecretFreeze(ctx, e.acct.ID, true, Requester{})
	must(t, err)
	if sc, err := e.st.ScanFor(ctx, token, PurposeFreezeSecret, e.acct.ID); err != nil || sc.State(e.st.Now()) != "pending" {
		t.Fatalf("the freeze asks for a freeze_secret scan: %+v %v", sc, err)
	}
	if err := e.st.CompleteSecretFreeze(ctx, token, e.acct.ID, true, 0); !errors.Is(err, ErrGone) {
		t.Fatalf("completing an unconfirmed scan: %v, want ErrGone", err)
	}
	_, err = e.st.DecideScan(ctx, token, dev.ID, true)
	wantCode(t, err, "", "not_admin")
	if sec, _ := e.st.AppSecretOf(ctx, e.acct.ID); sec.State != SecretActive {
		t.Fatalf("a refused scan froze the secret: %+v", sec)
	}
	if _, err := e.st.IssueAccessToken(ctx, e.call(), 10); err != nil {
		t.Fatalf("the secret works until the administrator confirms: %v", err)
	}
	_, err = e.st.DecideScan(ctx, token, e.admin.ID, true)
	must(t, err)
	if err := e.st.CompleteSecretReset(ctx, token, e.acct.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a freeze token spent as a reset: %v, want ErrNotFound", err)
	}
	must(t, e.st.CompleteSecretFreeze(ctx, token, e.acct.ID, true, 0))
	_, err = e.st.IssueAccessToken(ctx, e.call(), 10)
	wantAPIError(t, err, APISecretFrozen)
	if err := e.st.CompleteSecretFreeze(ctx, token, e.acct.ID, true, 0); !errors.Is(err, ErrGone) {
		t.Fatalf("a spent freeze scan again: %v, want ErrGone", err)
	}
	e.setFrozen(false, 0)
	if _, err := e.st.IssueAccessToken(ctx, e.call(), 10); err != nil {
		t.Fatalf("after the unfreeze scan the secret works: %v", err)
	}
}

// A freeze or unfreeze the state does not allow is refused before a scan is asked, and
// again at completion when the state changed while the code waited.
func TestFreezeRefusesTheWrongState(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	_, err := e.st.StartSecretFreeze(ctx, e.acct.ID, false, Requester{})
	wantCode(t, err, "", "secret_not_frozen")

	first, err := e.st.StartSecretFreeze(ctx, e.acct.ID, true, Requester{})
	must(t, err)
	_, err = e.st.DecideScan(ctx, first, e.admin.ID, true)
	must(t, err)
	e.setFrozen(true, 0) // another freeze completes first
	wantCode(t, e.st.CompleteSecretFreeze(ctx, first, e.acct.ID, true, 0), "", "secret_frozen")
	_, err = e.st.StartSecretFreeze(ctx, e.acct.ID, true, Requester{})
	wantCode(t, err, "", "secret_frozen")
	if got := e.oplog(); got["secret_frozen"] != 1 {
		t.Fatalf("operation log %v, want one secret_frozen", got)
	}

	other := newFixture(t)
	admin := other.person("admin_none")
	a := other.account("none@example.com", admin, "personal")
	_, err = other.st.StartSecretFreeze(ctx, a.ID, true, Requester{})
	wantCode(t, err, "", "secret_missing")
}

// oplog counts the account's operation log entries by action.
func (e *credEnv) oplog() map[string]int {
	e.t.Helper()
	page, err := e.st.OpLog(context.Background(), e.acct.ID, LogFilter{}, 0)
	must(e.t, err)
	out := map[string]int{}
	for _, l := range page.Entries {
		out[l.Action]++
	}
	return out
}
