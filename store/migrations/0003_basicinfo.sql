-- +goose Up
-- Basic info (SPEC §7): the introduction lives with the account; the name already does.
ALTER TABLE accounts ADD COLUMN intro TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_name ON accounts(name COLLATE NOCASE);

-- The icon, stored square as PNG, with the validator it is served with.
CREATE TABLE icons (
	account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	png        BLOB NOT NULL,
	etag       TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- Every change of name, icon or introduction, for the change quotas. year and month are
-- the calendar period in China time ('2026', '2026-03') the change counts for.
CREATE TABLE basic_changes (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	item       TEXT NOT NULL CHECK (item IN ('name', 'icon', 'intro')),
	kind       TEXT NOT NULL CHECK (kind IN ('first', 'change', 'before_release', 'after_release', 'authentication')),
	year       TEXT NOT NULL,
	month      TEXT NOT NULL,
	value      TEXT NOT NULL DEFAULT '',
	person_id  INTEGER REFERENCES people(id),
	at         TEXT NOT NULL
);
CREATE INDEX basic_changes_quota ON basic_changes(account_id, item, kind, year, month);

-- Service categories picked from the built-in tree.
CREATE TABLE account_categories (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	first      TEXT NOT NULL,
	second     TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('approved', 'reviewing', 'rejected')),
	reason     TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	decided_at TEXT,
	UNIQUE (account_id, second)
);
CREATE INDEX account_categories_status ON account_categories(status, created_at);

-- ICP filing (SPEC §8): one per account, moved through its states by the account and ops.
CREATE TABLE filings (
	id                    INTEGER PRIMARY KEY,
	account_id            INTEGER NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
	status                TEXT NOT NULL CHECK (status IN ('draft', 'platform_review', 'sms_verification',
	                      'authority_review', 'filed', 'rejected')),
	responsible_name      TEXT NOT NULL,
	responsible_id_number TEXT NOT NULL,
	responsible_phone     TEXT NOT NULL,
	service_content       TEXT NOT NULL,
	reason                TEXT NOT NULL DEFAULT '',
	number                TEXT UNIQUE,
	created_at            TEXT NOT NULL,
	updated_at            TEXT NOT NULL,
	filed_at              TEXT
);
CREATE INDEX filings_status ON filings(status, updated_at);

-- WeChat authentication requests (SPEC §8); an approved one sets accounts.auth_expires_at.
CREATE TABLE authentications (
	id            INTEGER PRIMARY KEY,
	account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
	contact_name  TEXT NOT NULL,
	contact_phone TEXT NOT NULL,
	invoice_title TEXT NOT NULL,
	new_name      TEXT NOT NULL DEFAULT '',
	fee           INTEGER NOT NULL,
	doc_name      TEXT NOT NULL DEFAULT '',
	doc_type      TEXT NOT NULL DEFAULT '',
	doc           BLOB,
	reason        TEXT NOT NULL DEFAULT '',
	submitted_at  TEXT NOT NULL,
	decided_at    TEXT,
	expires_at    TEXT
);
CREATE INDEX authentications_account ON authentications(account_id, id);
CREATE UNIQUE INDEX authentications_one_pending ON authentications(account_id) WHERE status = 'pending';

-- Every ops decision, with the operator and the time (SPEC §3).
CREATE TABLE decisions (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	item_id     INTEGER NOT NULL,
	account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	stage       TEXT NOT NULL DEFAULT '',
	decision    TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
	reason      TEXT NOT NULL DEFAULT '',
	operator_id INTEGER NOT NULL REFERENCES people(id),
	at          TEXT NOT NULL
);
CREATE INDEX decisions_item ON decisions(kind, item_id, id);
CREATE INDEX decisions_account ON decisions(account_id, id);

-- +goose Down
DROP TABLE decisions;
DROP TABLE authentications;
DROP TABLE filings;
DROP TABLE account_categories;
DROP TABLE basic_changes;
DROP TABLE icons;
DROP INDEX accounts_name;
ALTER TABLE accounts DROP COLUMN intro;
