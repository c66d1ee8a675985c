-- +goose Up
-- The automation API of the sandbox (SPEC §18). A token belongs to one account; only the
-- SHA-256 of the token is stored (it is shown once, through one_time_values). Revoking
-- deletes the row.
CREATE TABLE sandbox_tokens (
	id           INTEGER PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	created_by   INTEGER REFERENCES people(id) ON DELETE SET NULL,
	created_at   TEXT NOT NULL,
	last_used_at TEXT
);
CREATE INDEX sandbox_tokens_account ON sandbox_tokens (account_id);

-- The simulator identities an account created through the API: they belong to its sandbox
-- state, so a snapshot keeps them and a restore removes those created after it.
CREATE TABLE sandbox_people (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL,
	PRIMARY KEY (account_id, person_id)
);

-- Snapshots of an account's sandbox state: the rows of its sandbox tables, as JSON.
CREATE TABLE sandbox_snapshots (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL,
	state      TEXT NOT NULL
);
CREATE INDEX sandbox_snapshots_account ON sandbox_snapshots (account_id);

-- +goose Down
DROP TABLE sandbox_snapshots;
DROP TABLE sandbox_people;
DROP TABLE sandbox_tokens;
