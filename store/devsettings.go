package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Limits of SPEC §10 (real).
const (
	MaxIPWhitelist    = 10
	MaxDomainsPerKind = 20
)

// DomainKinds are the four server-domain lists, in the real platform's order; each is also
// the name of its form field.
var DomainKinds = []string{"request", "socket", "upload", "download"}

// DevSettings is the editable part of the credential page.
type DevSettings struct {
	IPWhitelist []string
	Domains     map[string][]string // kind → domains
}

// SplitLines turns a one-per-line form field into its entries: trimmed, blanks dropped,
// duplicates dropped (the first spelling kept).
func SplitLines(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || seen[strings.ToLower(l)] {
			continue
		}
		seen[strings.ToLower(l)] = true
		out = append(out, l)
	}
	return out
}

func joinLines(entries []string) string { return strings.Join(entries, "\n") }

func splitStored(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// DevSettingsOf loads the account's whitelist and domains (empty when never set).
func (s *Store) DevSettingsOf(ctx context.Context, accountID int64) (DevSettings, error) {
	return devSettingsTx(ctx, s.read, accountID)
}

func devSettingsTx(ctx context.Context, q querier, accountID int64) (DevSettings, error) {
	var ips string
	d := make([]string, len(DomainKinds))
	err := q.QueryRowContext(ctx, `SELECT ip_whitelist, request_domains, socket_domains, upload_domains, download_domains
		FROM dev_settings WHERE account_id = ?`, accountID).Scan(&ips, &d[0], &d[1], &d[2], &d[3])
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return DevSettings{}, fmt.Errorf("dev settings of %d: %w", accountID, err)
	}
	out := DevSettings{IPWhitelist: splitStored(ips), Domains: map[string][]string{}}
	for i, k := range DomainKinds {
		out.Domains[k] = splitStored(d[i])
	}
	return out, nil
}

// SetIPWhitelist replaces the whitelist of the API calls that carry the AppSecret. Each
// entry is an address, a.b.c.* or a CIDR prefix (ip_invalid); at most 10 (ip_quota).
// An empty list lifts the restriction.
func (s *Store) SetIPWhitelist(ctx context.Context, accountID, personID int64, entries []string) error {
	p := Problems{}
	for _, e := range entries {
		if !CheckIPEntry(e) {
			p.Add("ips", "ip_invalid")
		}
	}
	if len(entries) > MaxIPWhitelist {
		p.Add("ips", "ip_quota")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		old, err := devSettingsTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dev_settings (account_id, ip_whitelist, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET ip_whitelist = excluded.ip_whitelist, updated_at = excluded.updated_at`,
			accountID, joinLines(entries), fmtTime(s.nowFor(accountID))); err != nil {
			return fmt.Errorf("set ip whitelist of %d: %w", accountID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opIPWhitelistSet, "", change(strings.Join(old.IPWhitelist, ", "), strings.Join(entries, ", ")))
	})
}

// SetServerDomains replaces the four server-domain lists (kind → domains). Each domain must
// pass CheckDomain for its kind (domain_invalid); at most 20 per kind (domain_quota). Domains
// are stored lower-cased.
func (s *Store) SetServerDomains(ctx context.Context, accountID, personID int64, domains map[string][]string) error {
	p := Problems{}
	lists := make([]string, len(DomainKinds))
	for i, k := range DomainKinds {
		list := make([]string, 0, len(domains[k]))
		for _, d := range domains[k] {
			if !CheckDomain(k, d) {
				p.Add(k, "domain_invalid")
			}
			list = append(list, strings.ToLower(d))
		}
		if len(list) > MaxDomainsPerKind {
			p.Add(k, "domain_quota")
		}
		lists[i] = joinLines(list)
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		old, err := devSettingsTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dev_settings (account_id, request_domains, socket_domains, upload_domains, download_domains, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET request_domains = excluded.request_domains,
			socket_domains = excluded.socket_domains, upload_domains = excluded.upload_domains,
			download_domains = excluded.download_domains, updated_at = excluded.updated_at`,
			accountID, lists[0], lists[1], lists[2], lists[3], fmtTime(s.nowFor(accountID))); err != nil {
			return fmt.Errorf("set domains of %d: %w", accountID, err)
		}
		kinds, summary := domainChanges(old.Domains, lists)
		return s.logOp(ctx, tx, accountID, personID, opDomainsSet, kinds, summary)
	})
}

// domainChanges names the domain kinds whose list changed and summarizes each as its
// count before → after ("request 1 → 2"), for the operation log.
func domainChanges(old map[string][]string, lists []string) (kinds, summary string) {
	var ks, parts []string
	for i, k := range DomainKinds {
		before := joinLines(old[k])
		if before == lists[i] {
			continue
		}
		ks = append(ks, k)
		parts = append(parts, fmt.Sprintf("%s %d → %d", k, len(old[k]), len(splitStored(lists[i]))))
	}
	return strings.Join(ks, ", "), strings.Join(parts, ", ")
}
