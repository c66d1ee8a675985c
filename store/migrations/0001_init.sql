-- +goose Up
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

-- WeChat identities of the simulated WeChat (SPEC §2).
CREATE TABLE people (
	id            INTEGER PRIMARY KEY,
	wechat_id     TEXT NOT NULL UNIQUE COLLATE NOCASE,
	nickname      TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	bound_email   TEXT UNIQUE COLLATE NOCASE,
	real_name     TEXT NOT NULL DEFAULT '',
	id_number     TEXT NOT NULL DEFAULT '',
	is_operator   INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);

-- Mini program accounts, including the registration wizard's progress (SPEC §5).
CREATE TABLE accounts (
	id                   INTEGER PRIMARY KEY,
	email                TEXT NOT NULL UNIQUE COLLATE NOCASE,
	password_hash        TEXT NOT NULL,
	session_epoch        INTEGER NOT NULL DEFAULT 1,
	step                 TEXT NOT NULL DEFAULT 'activate'
	                     CHECK (step IN ('activate', 'subject', 'admin', 'confirm', 'done')),
	subject_type         TEXT NOT NULL DEFAULT '',
	admin_name           TEXT NOT NULL DEFAULT '',
	admin_id_number      TEXT NOT NULL DEFAULT '',
	admin_phone          TEXT NOT NULL DEFAULT '',
	org_name             TEXT NOT NULL DEFAULT '',
	credit_code          TEXT NOT NULL DEFAULT '',
	subject_verification TEXT NOT NULL DEFAULT 'none'
	                     CHECK (subject_verification IN ('none', 'pending', 'approved', 'rejected')),
	admin_person_id      INTEGER REFERENCES people(id),
	appid                TEXT UNIQUE,
	original_id          TEXT UNIQUE,
	name                 TEXT NOT NULL DEFAULT '',
	auth_expires_at      TEXT,
	first_released_at    TEXT,
	created_at           TEXT NOT NULL,
	activated_at         TEXT,
	registered_at        TEXT
);
CREATE INDEX accounts_admin_id_number ON accounts(admin_id_number);
CREATE INDEX accounts_admin_person ON accounts(admin_person_id);

-- Single-use activation links; only a hash of the token is kept.
CREATE TABLE activations (
	token_hash TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);

-- Scan-to-confirm requests (SPEC §4); only a hash of the token is kept.
CREATE TABLE scans (
	id           INTEGER PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	purpose      TEXT NOT NULL CHECK (purpose IN ('login', 'bind_admin', 'reset_secret', 'transfer_admin')),
	account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	target_person_id INTEGER REFERENCES people(id),
	status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
	person_id    INTEGER REFERENCES people(id),
	refusal      TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	decided_at   TEXT,
	used_at      TEXT
);

-- Mail waiting in the sandbox outbox (or already sent through SMTP).
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY,
	to_addr    TEXT NOT NULL,
	subject    TEXT NOT NULL,
	body       TEXT NOT NULL,
	link       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	sent_at    TEXT
);

-- Emails already registered on the WeChat Open Platform (SPEC §2).
CREATE TABLE registry (
	id         INTEGER PRIMARY KEY,
	email      TEXT NOT NULL UNIQUE COLLATE NOCASE,
	created_at TEXT NOT NULL
);

CREATE TABLE login_failures (
	id    INTEGER PRIMARY KEY,
	email TEXT NOT NULL COLLATE NOCASE,
	at    TEXT NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures(email, at);

-- Project and experience members (SPEC §9).
CREATE TABLE members (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL CHECK (kind IN ('project', 'experience')),
	roles      TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'declined')),
	added_by   INTEGER REFERENCES people(id),
	added_at   TEXT NOT NULL,
	UNIQUE (account_id, person_id, kind)
);
CREATE INDEX members_person ON members(person_id, kind);

-- The operation log (SPEC §12): every change in an account, who, what, when.
CREATE TABLE oplog (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id  INTEGER REFERENCES people(id),
	action     TEXT NOT NULL,
	detail     TEXT NOT NULL DEFAULT '',
	at         TEXT NOT NULL
);
CREATE INDEX oplog_account ON oplog(account_id, id);

-- +goose Down
DROP TABLE oplog;
DROP TABLE members;
DROP TABLE login_failures;
DROP TABLE registry;
DROP TABLE outbox;
DROP TABLE scans;
DROP TABLE activations;
DROP TABLE accounts;
DROP TABLE people;
DROP TABLE settings;
