-- +goose Up
-- Server-side sessions (SPEC §6): the cookie holds only a signed random id; the row keeps
-- a hash of it, so a copy of the database opens no session. A row deleted is a session
-- ended (logout, password change, member removed), whatever cookie a browser still holds.
CREATE TABLE sessions (
	id           INTEGER PRIMARY KEY,
	id_hash      TEXT NOT NULL UNIQUE,
	surface      TEXT NOT NULL CHECK (surface IN ('console', 'wx')),
	account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	person_id    INTEGER REFERENCES people(id) ON DELETE CASCADE,
	data         BLOB NOT NULL,
	user_agent   TEXT NOT NULL DEFAULT '',
	ip           TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_member ON sessions(account_id, person_id);
CREATE INDEX sessions_person ON sessions(person_id);
CREATE INDEX sessions_last_seen ON sessions(last_seen_at);

-- Values shown once (the new AppSecret, later the code-upload key and sandbox tokens):
-- encrypted under a key derived from the master key, deleted by the read that shows them.
CREATE TABLE one_time_values (
	kind       TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	sealed     BLOB NOT NULL,
	expires_at TEXT NOT NULL,
	PRIMARY KEY (kind, token_hash)
);

-- The store's data keys (AppSecret hashing, stable tokens, openids), each wrapped with
-- AES-GCM under a key derived from the master key, which never enters the database. The
-- plaintext rows of the settings table are wrapped and deleted when a master key is first
-- given (Store.UseMasterKey); the old session keys are simply deleted.
CREATE TABLE data_keys (
	name    TEXT PRIMARY KEY,
	wrapped BLOB NOT NULL
);

-- Failed logins of both surfaces: console logins by email, simulator logins by WeChat ID.
ALTER TABLE login_failures RENAME COLUMN email TO login;
ALTER TABLE login_failures ADD COLUMN surface TEXT NOT NULL DEFAULT 'console' CHECK (surface IN ('console', 'wx'));
DROP INDEX login_failures_email_at;
CREATE INDEX login_failures_login_at ON login_failures(surface, login, at);

-- Sessions are rows now: a password change deletes the others instead of moving an epoch.
ALTER TABLE accounts DROP COLUMN session_epoch;

-- +goose Down
ALTER TABLE accounts ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 1;
DROP INDEX login_failures_login_at;
DELETE FROM login_failures WHERE surface <> 'console';
ALTER TABLE login_failures DROP COLUMN surface;
ALTER TABLE login_failures RENAME COLUMN login TO email;
CREATE INDEX login_failures_email_at ON login_failures(email, at);
DROP TABLE data_keys;
DROP TABLE one_time_values;
DROP TABLE sessions;
