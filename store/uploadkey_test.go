package store

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

// newUploadKey runs the upload_key scan confirmed by confirmer and completes it.
func (e *verEnv) newUploadKey(confirmer Person) (string, error) {
	e.t.Helper()
	token, err := e.st.StartUploadKeyReset(e.ctx, e.acct.ID, Requester{})
	must(e.t, err)
	if _, err := e.st.DecideScan(e.ctx, token, confirmer.ID, true); err != nil {
		return "", err
	}
	if err := e.st.CompleteUploadKeyReset(e.ctx, token, e.acct.ID); err != nil {
		return "", err
	}
	key, err := e.st.TakeOneTime(e.ctx, OneTimeUploadKey, token, e.acct.ID)
	if err != nil {
		return "", err
	}
	// Shown once: the sealed value is gone with its first view.
	if _, err := e.st.TakeOneTime(e.ctx, OneTimeUploadKey, token, e.acct.ID); !errors.Is(err, ErrGone) {
		e.t.Fatalf("the key could be taken twice: %v", err)
	}
	return key, nil
}

var uploadKeyShape = regexp.MustCompile(`^[0-9a-f]{64}$`)

// The code-upload key (SPEC §12): made after the administrator's upload_key scan, 64
// characters, stored only as a keyed hash, replaced by a reset; POST /ci/v1/upload's check
// answers invalid key, IP not allowed, or the account.
func TestUploadKey(t *testing.T) {
	e := newVerEnv(t, "personal")
	loopback := netip.MustParseAddr("127.0.0.2")
	if k, err := e.st.UploadKeyOf(e.ctx, e.acct.ID); err != nil || k.Exists {
		t.Fatalf("before any key: %+v, %v", k, err)
	}
	if _, err := e.st.CheckUploadKey(e.ctx, e.acct.AppID, strings.Repeat("0", 64), loopback); !errors.Is(err, ErrUploadKeyInvalid) {
		t.Fatalf("no key yet: %v", err)
	}
	_, err := e.newUploadKey(e.developer)
	wantCode(t, err, "", "not_admin")
	key, err := e.newUploadKey(e.admin)
	must(t, err)
	if !uploadKeyShape.MatchString(key) {
		t.Fatalf("key %q is not 64 hex characters", key)
	}
	if k, _ := e.st.UploadKeyOf(e.ctx, e.acct.ID); !k.Exists || !k.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("key state %+v", k)
	}
	if n := e.count(`SELECT count(*) FROM upload_keys WHERE key_hash = ? OR key_hash = ?`, key, HashToken(key)); n != 0 {
		t.Fatal("the key is stored in clear or as a plain hash")
	}
	id, err := e.st.CheckUploadKey(e.ctx, e.acct.AppID, key, loopback)
	if err != nil || id != e.acct.ID {
		t.Fatalf("check with the key: %d, %v", id, err)
	}
	for name, tc := range map[string][2]string{
		"wrong key":     {e.acct.AppID, strings.Repeat("a", 64)},
		"empty key":     {e.acct.AppID, ""},
		"unknown appid": {"wx0000000000000000", key},
	} {
		if _, err := e.st.CheckUploadKey(e.ctx, tc[0], tc[1], loopback); !errors.Is(err, ErrUploadKeyInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	reset, err := e.newUploadKey(e.admin)
	must(t, err)
	if _, err := e.st.CheckUploadKey(e.ctx, e.acct.AppID, key, loopback); !errors.Is(err, ErrUploadKeyInvalid) {
		t.Fatalf("the old key still works after a reset: %v", err)
	}
	if _, err := e.st.CheckUploadKey(e.ctx, e.acct.AppID, reset, loopback); err != nil {
		t.Fatal(err)
	}
	want := "upload_key_generated upload_key_reset"
	if got := strings.Join(e.actions(), " "); !strings.HasSuffix(got, want) {
		t.Fatalf("log %q", got)
	}
	for _, l := range logOf(e.t, e.st, e.acct.ID) {
		if strings.Contains(l.Target+l.Summary, key) || strings.Contains(l.Target+l.Summary, reset) {
			t.Fatalf("a key is in the log: %+v", l)
		}
	}
}

// The key's own IP whitelist: the syntax and limit of SPEC §10; empty allows any address.
func TestUploadKeyWhitelist(t *testing.T) {
	e := newVerEnv(t, "personal")
	key, err := e.newUploadKey(e.admin)
	must(t, err)
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("10.0.0.%d", i)
	}
	for _, tc := range []struct {
		name    string
		who     Person
		entries []string
		want    string
	}{
		{"analyst may not", e.analyst, []string{"10.0.0.1"}, "forbidden"},
		{"operator may not", e.operator, []string{"10.0.0.1"}, "forbidden"},
		{"a port", e.admin, []string{"10.0.0.1:80"}, "ip_invalid"},
		{"eleven entries", e.admin, eleven, "ip_quota"},
		{"ten entries", e.developer, eleven[:10], "ok"},
		{"wildcard and CIDR", e.admin, []string{"192.168.1.*", "172.16.0.0/12"}, "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcome(e.st.SetUploadKeyIPs(e.ctx, e.acct.ID, tc.who.ID, tc.entries)); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
		})
	}
	if k, _ := e.st.UploadKeyOf(e.ctx, e.acct.ID); fmt.Sprint(k.IPWhitelist) != "[192.168.1.* 172.16.0.0/12]" {
		t.Fatalf("whitelist %v", k.IPWhitelist)
	}
	for ip, want := range map[string]error{"192.168.1.20": nil, "172.20.1.1": nil, "::ffff:192.168.1.7": nil,
		"127.0.0.2": ErrUploadIPDenied, "192.168.2.1": ErrUploadIPDenied} {
		if _, err := e.st.CheckUploadKey(e.ctx, e.acct.AppID, key, netip.MustParseAddr(ip)); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", ip, err, want)
		}
	}
	// A wrong key is refused as such whatever the address.
	if _, err := e.st.CheckUploadKey(e.ctx, e.acct.AppID, "nope", netip.MustParseAddr("127.0.0.2")); !errors.Is(err, ErrUploadKeyInvalid) {
		t.Fatalf("wrong key from a refused address: %v", err)
	}
	must(t, e.st.SetUploadKeyIPs(e.ctx, e.acct.ID, e.admin.ID, nil))
	if _, err := e.st.CheckUploadKey(e.ctx, e.acct.AppID, key, netip.MustParseAddr("127.0.0.2")); err != nil {
		t.Fatalf("an empty whitelist refused: %v", err)
	}
	if l := e.lastLog(); l.Action != "upload_key_ips_set" {
		t.Fatalf("logged %+v", l)
	}
}
