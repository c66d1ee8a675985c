-- +goose Up
-- The request journal of the sandbox (SPEC §18): one row per API call, written in batches
-- by its own writer, kept 7 days. account_id is NULL for a call that named no known account
-- (rid/get answers 76003 for it). Requests and answers are stored masked; reason is a
-- catalog key with its values (JSON) saying in words why a refusal happened.
CREATE TABLE api_journal (
	id            INTEGER PRIMARY KEY,
	rid           TEXT NOT NULL UNIQUE,
	account_id    INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	at            TEXT NOT NULL,
	method        TEXT NOT NULL,
	endpoint      TEXT NOT NULL,
	client_ip     TEXT NOT NULL,
	cost_ms       INTEGER NOT NULL,
	status        INTEGER NOT NULL,
	errcode       INTEGER NOT NULL,
	request_url   TEXT NOT NULL,
	request_body  TEXT NOT NULL,
	response_body TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	reason_args   TEXT NOT NULL DEFAULT '{}',
	fault_rule    INTEGER
);
CREATE INDEX api_journal_account_at ON api_journal (account_id, at);
CREATE INDEX api_journal_at ON api_journal (at);

-- The hashes of replaced AppSecrets, so a refused call can say "the secret matches the one
-- replaced at …".
CREATE TABLE secret_history (
	account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	secret_hash TEXT NOT NULL,
	replaced_at TEXT NOT NULL
);
CREATE INDEX secret_history_account ON secret_history (account_id);

-- clear_quota calls that took effect, counted per calendar month (10 a month, 48006).
CREATE TABLE quota_clears (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	month      TEXT NOT NULL,
	at         TEXT NOT NULL
);
CREATE INDEX quota_clears_account_month ON quota_clears (account_id, month);

-- Fault injection rules per account and endpoint: an errcode or a broken answer, for the
-- next `remaining` calls (NULL: by probability), with added latency.
CREATE TABLE fault_rules (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	endpoint    TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('errcode', 'html_502', 'truncated_json', 'timeout')),
	errcode     INTEGER NOT NULL DEFAULT 0,
	remaining   INTEGER,
	probability REAL NOT NULL DEFAULT 0,
	latency_ms  INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL
);
CREATE INDEX fault_rules_account ON fault_rules (account_id);

-- +goose Down
DROP TABLE fault_rules;
DROP TABLE quota_clears;
DROP TABLE secret_history;
DROP TABLE api_journal;
