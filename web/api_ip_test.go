package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
)

// clientFrom is an HTTP client whose connections leave from ip.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// The IP whitelist judges the connection's address (127.0.0.2 here, the listener being on
// 127.0.0.1), and X-Forwarded-For only from a trusted proxy.
func TestAPIIPWhitelist(t *testing.T) {
	e := newAPIEnv(t)
	from2 := clientFrom("127.0.0.2")
	set := func(ips ...string) {
		t.Helper()
		if err := e.st.SetIPWhitelist(context.Background(), e.acct.ID, e.admin.ID, ips); err != nil {
			t.Fatal(err)
		}
	}
	const denied = "invalid ip 127.0.0.2 ipv6 ::ffff:127.0.0.2, not in whitelist"
	set("127.0.0.1")
	wantAPIErr(t, e.apiDo(t, from2, "GET", tokenURL(e.acct.AppID, e.secret), ""), 40164, denied)
	wantAPIErr(t, e.apiDo(t, from2, "POST", "/cgi-bin/stable_token", stableBody(e.acct.AppID, e.secret, false)), 40164, denied)
	wantAPIErr(t, e.apiDo(t, from2, "GET", sessionURL(e.acct.AppID, e.secret, e.code(e.admin)), ""), 40164, denied)
	if r := e.apiGet(t, tokenURL(e.acct.AppID, e.secret)); r.AccessToken == "" {
		t.Fatalf("127.0.0.1 is whitelisted: %s", r.Raw)
	}
	wantAPIErr(t, e.apiDo(t, from2, "GET", tokenURL(e.acct.AppID, "wrong"), ""), 40125, "invalid appsecret")

	for _, entry := range []string{"127.0.0.2", "127.0.0.*", "127.0.0.0/30", "::ffff:127.0.0.2"} {
		set(entry)
		if r := e.apiDo(t, from2, "GET", tokenURL(e.acct.AppID, e.secret), ""); r.AccessToken == "" {
			t.Fatalf("whitelist %q should admit 127.0.0.2: %s", entry, r.Raw)
		}
	}

	set("203.0.113.7")
	spoof := func(hc *http.Client, xff string) apiResp {
		req, _ := http.NewRequest("GET", e.http.URL+tokenURL(e.acct.AppID, e.secret), nil)
		req.Header.Set("X-Forwarded-For", xff)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out apiResp
		raw, _ := io.ReadAll(res.Body)
		out.Raw = string(raw)
		json.Unmarshal(raw, &out)
		return out
	}
	wantAPIErr(t, spoof(from2, "203.0.113.7"), 40164, denied)
	e.restart(Options{TrustProxy: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}})
	if r := spoof(from2, "198.51.100.1, 203.0.113.7"); r.AccessToken == "" {
		t.Fatalf("behind a trusted proxy the forwarded address counts: %s", r.Raw)
	}
	if r := spoof(from2, "198.51.100.1, 203.0.113.7, 127.0.0.2"); r.AccessToken == "" {
		t.Fatalf("trusted hops are skipped from the right: %s", r.Raw)
	}
	wantAPIErr(t, spoof(from2, "203.0.113.7, 198.51.100.1"), 40164, "invalid ip 198.51.100.1 ipv6 ::ffff:198.51.100.1, not in whitelist")
	wantAPIErr(t, spoof(http.DefaultClient, "203.0.113.7"), 40164, "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist")
}

func TestParseProxies(t *testing.T) {
	got, err := ParseProxies(" 10.0.0.1, 192.168.0.0/16 ,::1")
	if err != nil || fmt.Sprint(got) != "[10.0.0.1/32 192.168.0.0/16 ::1/128]" {
		t.Fatalf("ParseProxies = %v, %v", got, err)
	}
	if _, err := ParseProxies("proxy.local"); err == nil {
		t.Fatal("a host name is not a proxy address")
	}
}
