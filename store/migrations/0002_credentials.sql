-- +goose Up
-- The AppSecret of an account (SPEC §10): only a keyed hash, never the secret. frozen is
-- the requested state; it takes effect at frozen_changed_at (the real platform waits).
CREATE TABLE app_secrets (
	account_id        INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	secret_hash       TEXT NOT NULL,
	created_at        TEXT NOT NULL,
	frozen            INTEGER NOT NULL DEFAULT 0,
	frozen_changed_at TEXT
);

-- The IP whitelist and the server domains (SPEC §10), one entry per line.
CREATE TABLE dev_settings (
	account_id       INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	ip_whitelist     TEXT NOT NULL DEFAULT '',
	request_domains  TEXT NOT NULL DEFAULT '',
	socket_domains   TEXT NOT NULL DEFAULT '',
	upload_domains   TEXT NOT NULL DEFAULT '',
	download_domains TEXT NOT NULL DEFAULT '',
	updated_at       TEXT NOT NULL
);

-- Access tokens of the API (SPEC §11), hashed. A stable token keeps the seed it is
-- derived from with a server key, so that it can be answered again while it is valid.
CREATE TABLE access_tokens (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL CHECK (kind IN ('plain', 'stable')),
	token_hash TEXT NOT NULL UNIQUE,
	seed       TEXT,
	forced     INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX access_tokens_account ON access_tokens(account_id, kind, expires_at);

-- Login codes (wx.login's js_code) handed out by the simulated WeChat, hashed.
CREATE TABLE js_codes (
	id         INTEGER PRIMARY KEY,
	code_hash  TEXT NOT NULL UNIQUE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	version    TEXT NOT NULL CHECK (version IN ('trial', 'online')),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
CREATE INDEX js_codes_used ON js_codes(account_id, person_id, used_at);
CREATE INDEX js_codes_expires ON js_codes(expires_at);

-- Daily counters for /stats (SPEC §12), per account and platform day (Beijing time).
CREATE TABLE daily_counts (
	account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	day         TEXT NOT NULL,
	api_calls   INTEGER NOT NULL DEFAULT 0,
	token_calls INTEGER NOT NULL DEFAULT 0,
	visits      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (account_id, day)
);

-- Who opened a mini program on which day: unique and new visitors.
CREATE TABLE daily_visitors (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	day        TEXT NOT NULL,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	PRIMARY KEY (account_id, day, person_id)
);
CREATE INDEX daily_visitors_person ON daily_visitors(account_id, person_id, day);

-- +goose Down
DROP TABLE daily_visitors;
DROP TABLE daily_counts;
DROP TABLE js_codes;
DROP TABLE access_tokens;
DROP TABLE dev_settings;
DROP TABLE app_secrets;
