-- +goose Up
-- API calls per account, platform day, endpoint (its path) and outcome ('ok' or the errcode),
-- for /stats (SPEC §16). The 90-day read is a range of the primary key.
CREATE TABLE api_call_counts (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	day        TEXT NOT NULL,
	endpoint   TEXT NOT NULL,
	outcome    TEXT NOT NULL,
	calls      INTEGER NOT NULL,
	PRIMARY KEY (account_id, day, endpoint, outcome)
) WITHOUT ROWID;
-- Earlier counters knew only successful calls, and of which endpoint only for the token
-- calls: the rest is kept under the endpoint 'other'.
INSERT INTO api_call_counts (account_id, day, endpoint, outcome, calls)
	SELECT account_id, day, '/cgi-bin/token', 'ok', token_calls FROM daily_counts WHERE token_calls > 0;
INSERT INTO api_call_counts (account_id, day, endpoint, outcome, calls)
	SELECT account_id, day, 'other', 'ok', api_calls - token_calls FROM daily_counts WHERE api_calls > token_calls;

-- Visits, distinct visitors and new visitors (first open ever, under the environment of that
-- open) per account, platform day and environment, kept up to date by every visit, so /stats
-- reads at most three rows a day however many people visit.
CREATE TABLE daily_visits (
	account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	day          TEXT NOT NULL,
	env          TEXT NOT NULL CHECK (env IN ('release', 'trial', 'develop')),
	visits       INTEGER NOT NULL DEFAULT 0,
	visitors     INTEGER NOT NULL DEFAULT 0,
	new_visitors INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (account_id, day, env)
) WITHOUT ROWID;
INSERT INTO daily_visits (account_id, day, env, visits, visitors)
	SELECT account_id, day, env, sum(visits), count(*) FROM daily_visitors GROUP BY account_id, day, env;
-- Visitors from before 0006 count one visit each; daily_counts has the exact total, all of
-- it release visits then.
UPDATE daily_visits SET visits = visits + max(0, COALESCE((SELECT c.visits FROM daily_counts c WHERE c.account_id = daily_visits.account_id AND c.day = daily_visits.day), 0)
	- (SELECT sum(v.visits) FROM daily_visitors v WHERE v.account_id = daily_visits.account_id AND v.day = daily_visits.day))
	WHERE env = 'release';
CREATE TEMP TABLE first_visits AS SELECT account_id, person_id, min(day) AS day FROM daily_visitors GROUP BY account_id, person_id;
UPDATE daily_visits SET new_visitors = (SELECT count(*) FROM first_visits f
	WHERE f.account_id = daily_visits.account_id AND f.day = daily_visits.day
	AND (SELECT min(v.env) FROM daily_visitors v WHERE v.account_id = f.account_id AND v.person_id = f.person_id AND v.day = f.day) = daily_visits.env);
DROP TABLE first_visits;

-- daily_counts keeps what is counted inside the transaction it guards: the token calls
-- against the 45009 quota; and the distinct visitors of the day across environments.
ALTER TABLE daily_counts ADD COLUMN visitors INTEGER NOT NULL DEFAULT 0;
UPDATE daily_counts SET visitors = (SELECT count(DISTINCT v.person_id) FROM daily_visitors v
	WHERE v.account_id = daily_counts.account_id AND v.day = daily_counts.day);
ALTER TABLE daily_counts DROP COLUMN api_calls;
ALTER TABLE daily_counts DROP COLUMN visits;

-- The operation log (SPEC §16) names its target, the client's address and a short
-- before → after summary (what was the detail). actor is the key the actor filter uses:
-- 'person N' (people.id), 'robot N', 'login' (the account's email login, during
-- registration) or 'platform'. Each filter, and none, reads newest first from an index.
ALTER TABLE oplog RENAME COLUMN detail TO summary;
ALTER TABLE oplog ADD COLUMN target TEXT NOT NULL DEFAULT '';
ALTER TABLE oplog ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE oplog ADD COLUMN actor TEXT NOT NULL DEFAULT 'platform';
UPDATE oplog SET actor = CASE WHEN robot IS NOT NULL THEN 'robot ' || robot WHEN person_id IS NOT NULL THEN 'person ' || person_id ELSE 'platform' END;
DROP INDEX oplog_account;
CREATE INDEX oplog_time ON oplog(account_id, at, id);
CREATE INDEX oplog_actor ON oplog(account_id, actor, at, id);
CREATE INDEX oplog_action ON oplog(account_id, action, at, id);

-- +goose Down
DROP INDEX oplog_action;
DROP INDEX oplog_actor;
DROP INDEX oplog_time;
CREATE INDEX oplog_account ON oplog(account_id, id);
ALTER TABLE oplog DROP COLUMN actor;
ALTER TABLE oplog DROP COLUMN client_ip;
ALTER TABLE oplog DROP COLUMN target;
ALTER TABLE oplog RENAME COLUMN summary TO detail;

ALTER TABLE daily_counts ADD COLUMN api_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_counts ADD COLUMN visits INTEGER NOT NULL DEFAULT 0;
UPDATE daily_counts SET
	api_calls = (SELECT COALESCE(sum(calls), 0) FROM api_call_counts a WHERE a.account_id = daily_counts.account_id AND a.day = daily_counts.day AND a.outcome = 'ok'),
	visits = (SELECT COALESCE(sum(visits), 0) FROM daily_visits v WHERE v.account_id = daily_counts.account_id AND v.day = daily_counts.day);
ALTER TABLE daily_counts DROP COLUMN visitors;
DROP TABLE daily_visits;
DROP TABLE api_call_counts;
