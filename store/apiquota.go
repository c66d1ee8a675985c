package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// clear_quota (SPEC §18, real): 10 clears per account and calendar month; the 11th
// answers 48006.
const (
	ClearQuotaPerMonth             = 10
	APIClearQuotaLimit    APIError = 48006
	EndpointClearQuota             = "/cgi-bin/clear_quota"
	EndpointQuotaGet               = "/cgi-bin/openapi/quota/get"
	EndpointRidGet                 = "/cgi-bin/openapi/rid/get"
	ReasonClearQuotaLimit          = "clear_quota_limit"
	ReasonClearQuotaAppID          = "clear_quota_appid"
	quotaMonthFormat               = "2006-01"
	apiQuotaUnlimited              = 0
)

// APIQuota is one endpoint's use today, as openapi/quota/get answers it. DailyLimit 0
// means mpconsole sets no daily limit for it (the real documentation's example answers
// 0, 0, 0 the same way).
type APIQuota struct {
	Endpoint                 string
	DailyLimit, Used, Remain int
}

// APIQuotaOf is today's use of endpoint by the account; tokenQuota is the daily limit of
// /cgi-bin/token (the server's --token-daily-quota).
func (s *Store) APIQuotaOf(ctx context.Context, accountID int64, endpoint string, tokenQuota int) (APIQuota, error) {
	day := PlatformDay(s.nowFor(accountID))
	q := APIQuota{Endpoint: endpoint}
	var err error
	if endpoint == EndpointToken {
		q.DailyLimit = tokenQuota
		err = s.read.QueryRowContext(ctx, `SELECT COALESCE((SELECT token_calls FROM daily_counts WHERE account_id = ? AND day = ?), 0)`,
			accountID, day).Scan(&q.Used)
	} else {
		err = s.read.QueryRowContext(ctx, `SELECT COALESCE(sum(calls), 0) FROM api_call_counts WHERE account_id = ? AND day = ? AND endpoint = ?`,
			accountID, day, endpoint).Scan(&q.Used)
	}
	if err != nil {
		return APIQuota{}, fmt.Errorf("quota of %s for %d: %w", endpoint, accountID, err)
	}
	if q.DailyLimit != apiQuotaUnlimited {
		q.Remain = max(0, q.DailyLimit-q.Used)
	}
	return q, nil
}

// QuotaPanel is the sandbox page's quota panel: every endpoint with a daily limit, and
// the clears left this month.
type QuotaPanel struct {
	Quotas      []APIQuota
	ClearsUsed  int // this calendar month (China time)
	ClearsLimit int
}

// QuotaPanelOf reads the panel for the account.
func (s *Store) QuotaPanelOf(ctx context.Context, accountID int64, tokenQuota int) (QuotaPanel, error) {
	token, err := s.APIQuotaOf(ctx, accountID, EndpointToken, tokenQuota)
	if err != nil {
		return QuotaPanel{}, err
	}
	var forced int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM access_tokens WHERE account_id = ? AND kind = 'stable' AND forced AND created_at >= ?`,
		accountID, fmtTime(dayStart(s.nowFor(accountID)))).Scan(&forced); err != nil {
		return QuotaPanel{}, fmt.Errorf("forced refreshes of %d: %w", accountID, err)
	}
	stable := APIQuota{Endpoint: EndpointStableToken, DailyLimit: StableForceDaily, Used: forced, Remain: max(0, StableForceDaily-forced)}
	p := QuotaPanel{Quotas: []APIQuota{token, stable}, ClearsLimit: ClearQuotaPerMonth}
	err = s.read.QueryRowContext(ctx, `SELECT count(*) FROM quota_clears WHERE account_id = ? AND month = ?`,
		accountID, s.nowFor(accountID).In(CalendarZone).Format(quotaMonthFormat)).Scan(&p.ClearsUsed)
	return p, err
}

// ClearQuota answers POST /cgi-bin/clear_quota for the account whose token called it:
// appid must be its own (40013); the 11th clear of a calendar month is refused (48006).
// A clear sets today's count of /cgi-bin/token calls back to zero (the limit 45009 reads);
// the 20 forced stable-token refreshes are a limit of their own, as on the real platform.
// The call is counted.
func (s *Store) ClearQuota(ctx context.Context, accountID int64, appid string) error {
	return s.tokenAPITx(ctx, accountID, EndpointClearQuota, func(tx *sql.Tx) error {
		var own string
		if err := tx.QueryRowContext(ctx, `SELECT appid FROM accounts WHERE id = ?`, accountID).Scan(&own); err != nil {
			return fmt.Errorf("appid of %d: %w", accountID, err)
		}
		if appid != own {
			return refuse(APIInvalidAppID, ReasonClearQuotaAppID, "AppID", appid)
		}
		now := s.nowFor(accountID)
		month := now.In(CalendarZone).Format(quotaMonthFormat)
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM quota_clears WHERE account_id = ? AND month = ?`, accountID, month).Scan(&used); err != nil {
			return fmt.Errorf("clears of %d: %w", accountID, err)
		}
		if used >= ClearQuotaPerMonth {
			return refuse(APIClearQuotaLimit, ReasonClearQuotaLimit, "Limit", strconv.Itoa(ClearQuotaPerMonth))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO quota_clears (account_id, month, at) VALUES (?, ?, ?)`, accountID, month, fmtTime(now)); err != nil {
			return fmt.Errorf("record clear of %d: %w", accountID, err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE daily_counts SET token_calls = 0 WHERE account_id = ? AND day = ?`, accountID, PlatformDay(now))
		return err
	})
}
