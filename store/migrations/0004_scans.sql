-- +goose Up
-- Scan requests get every purpose of SPEC §4 (freezing the AppSecret and the code-upload
-- key need the administrator's scan too) and remember who asked: the browser, address and
-- time shown on the phone, so a forwarded QR-login link can be recognised.
CREATE TABLE scans_next (
	id               INTEGER PRIMARY KEY,
	token_hash       TEXT NOT NULL UNIQUE,
	purpose          TEXT NOT NULL CHECK (purpose IN ('login', 'bind_admin', 'reset_secret', 'freeze_secret', 'upload_key', 'transfer_admin')),
	account_id       INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	target_person_id INTEGER REFERENCES people(id),
	status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
	person_id        INTEGER REFERENCES people(id),
	refusal          TEXT NOT NULL DEFAULT '',
	requester_agent  TEXT NOT NULL DEFAULT '',
	requester_ip     TEXT NOT NULL DEFAULT '',
	created_at       TEXT NOT NULL,
	expires_at       TEXT NOT NULL,
	decided_at       TEXT,
	used_at          TEXT
);
INSERT INTO scans_next (id, token_hash, purpose, account_id, target_person_id, status, person_id, refusal, created_at, expires_at, decided_at, used_at)
	SELECT id, token_hash, purpose, account_id, target_person_id, status, person_id, refusal, created_at, expires_at, decided_at, used_at FROM scans;
DROP TABLE scans;
ALTER TABLE scans_next RENAME TO scans;
CREATE INDEX scans_expires ON scans(expires_at);

-- +goose Down
CREATE TABLE scans_prev (
	id               INTEGER PRIMARY KEY,
	token_hash       TEXT NOT NULL UNIQUE,
	purpose          TEXT NOT NULL CHECK (purpose IN ('login', 'bind_admin', 'reset_secret', 'transfer_admin')),
	account_id       INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	target_person_id INTEGER REFERENCES people(id),
	status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
	person_id        INTEGER REFERENCES people(id),
	refusal          TEXT NOT NULL DEFAULT '',
	created_at       TEXT NOT NULL,
	expires_at       TEXT NOT NULL,
	decided_at       TEXT,
	used_at          TEXT
);
INSERT INTO scans_prev SELECT id, token_hash, purpose, account_id, target_person_id, status, person_id, refusal, created_at, expires_at, decided_at, used_at
	FROM scans WHERE purpose IN ('login', 'bind_admin', 'reset_secret', 'transfer_admin');
DROP TABLE scans;
ALTER TABLE scans_prev RENAME TO scans;
