package store

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Network rules of the credential page (SPEC §10): IP whitelist entries and server domains.

// CheckIPEntry reports whether s is one IP whitelist entry: a single IPv4 or IPv6 address, an
// IPv4 wildcard "a.b.c.*", or a CIDR prefix. Ports, zones and spaces are refused because a
// server's source address never carries them, so such an entry could never match.
func CheckIPEntry(s string) bool {
	if strings.HasSuffix(s, ".*") {
		return rulesWildcard(s) != ""
	}
	if strings.Contains(s, "/") {
		_, err := netip.ParsePrefix(s)
		return err == nil
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == ""
}

// IPAllowed reports whether addr may call: always when the whitelist is empty (no whitelist
// configured), otherwise when addr matches an entry exactly, by an "a.b.c.*" wildcard or by
// prefix. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as dual-stack listeners report them)
// are unmapped first so they match IPv4 entries. Invalid entries match nothing.
func IPAllowed(entries []string, addr netip.Addr) bool {
	if len(entries) == 0 {
		return true
	}
	if !addr.IsValid() {
		return false
	}
	addr = addr.WithZone("").Unmap()
	for _, e := range entries {
		if !CheckIPEntry(e) {
			continue
		}
		if strings.HasSuffix(e, ".*") {
			if strings.HasPrefix(addr.String(), rulesWildcard(e)) {
				return true
			}
		} else if strings.Contains(e, "/") {
			p, _ := netip.ParsePrefix(e)
			if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
			}
			if p.Contains(addr) {
				return true
			}
		} else if a, _ := netip.ParseAddr(e); a.Unmap() == addr {
			return true
		}
	}
	return false
}

// CheckDomain reports whether s is a valid server domain of the given kind ("request",
// "upload", "download" need https://, "socket" needs wss://): scheme, lower-case-insensitive
// DNS host with at least one dot and an optional port 1-65535, and nothing else (no path, not
// even "/", no query, no userinfo). IP literals, localhost, all-digit TLDs and
// api.weixin.qq.com are refused, as the platform refuses them.
func CheckDomain(kind, s string) bool {
	scheme := "https://"
	switch kind {
	case "request", "upload", "download":
	case "socket":
		scheme = "wss://"
	default:
		return false
	}
	// ASCII only before lower-casing: strings.ToLower maps e.g. the Kelvin sign to 'k'.
	host, ok := strings.CutPrefix(strings.ToLower(s), scheme)
	if !ok || strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return false
	}
	if h, port, found := strings.Cut(host, ":"); found {
		n, _ := strconv.Atoi(port)
		if !rulesAllDigits(port) || port[0] == '0' || n > 65535 {
			return false
		}
		host = h
	}
	if len(host) > 253 || host == "api.weixin.qq.com" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	// The label charset rejects / ? # @ [ ] and spaces (paths, queries, userinfo, IPv6
	// literals); the all-digit TLD rule rejects IPv4 literals.
	labels := strings.Split(host, ".")
	if len(labels) < 2 || rulesAllDigits(labels[len(labels)-1]) {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !(l[i] >= 'a' && l[i] <= 'z') && !rulesIsDigit(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return true
}

// rulesWildcard returns "a.b.c." for a valid "a.b.c.*" entry (three decimal octets 0-255
// without leading zeros), or "".
func rulesWildcard(s string) string {
	head, ok := strings.CutSuffix(s, ".*")
	parts := strings.Split(head, ".")
	if !ok || len(parts) != 3 {
		return ""
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || !rulesAllDigits(p) || n > 255 || (len(p) > 1 && p[0] == '0') {
			return ""
		}
	}
	return head + "."
}
