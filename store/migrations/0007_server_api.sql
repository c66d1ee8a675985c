-- +goose Up
-- The server API behind an access token (SPEC §17): phone numbers, subscribe messages,
-- mini-program codes and content security.

-- A simulator identity may have a phone number, stored canonically as "+CC NUMBER".
ALTER TABLE people ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- Who has opened which mini program, under the openid the account's API knows them by, and
-- when last: subscribe/send and msg_sec_check find the person from an openid here, and
-- msg_sec_check wants an open within the last two hours (real: 61010).
CREATE TABLE app_users (
	account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	openid        TEXT NOT NULL,
	first_open_at TEXT NOT NULL,
	last_open_at  TEXT NOT NULL,
	PRIMARY KEY (account_id, person_id)
);
CREATE UNIQUE INDEX app_users_openid ON app_users(openid, account_id);

-- One-time phone-number codes (real: 5 minutes, single use); only a hash of the code is
-- kept, with the number as it was shared.
CREATE TABLE phone_codes (
	id         INTEGER PRIMARY KEY,
	code_hash  TEXT NOT NULL UNIQUE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	phone      TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
CREATE INDEX phone_codes_expires ON phone_codes(expires_at);

-- The account's subscribe-message templates, picked from the built-in library by tid with
-- the keyword ids in the order chosen (kids, a JSON list).
CREATE TABLE message_templates (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	pri_tmpl_id TEXT NOT NULL UNIQUE,
	tid         INTEGER NOT NULL,
	kids        TEXT NOT NULL,
	scene_desc  TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	UNIQUE (account_id, tid, kids)
);

-- One-time subscriptions: each acceptance in the simulator allows one more send.
CREATE TABLE message_grants (
	template_id INTEGER NOT NULL REFERENCES message_templates(id) ON DELETE CASCADE,
	person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	remaining   INTEGER NOT NULL CHECK (remaining >= 0),
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (template_id, person_id)
);

-- Service notifications as delivered: a copy of the template's title and rendered lines
-- (a JSON list), so deleting the template later leaves the notice readable.
CREATE TABLE notices (
	id         INTEGER PRIMARY KEY,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	tid        INTEGER NOT NULL,
	title      TEXT NOT NULL,
	lines      TEXT NOT NULL,
	page       TEXT NOT NULL DEFAULT '',
	state      TEXT NOT NULL CHECK (state IN ('developer', 'trial', 'formal')),
	lang       TEXT NOT NULL,
	sent_at    TEXT NOT NULL
);
CREATE INDEX notices_person ON notices(person_id, id);

-- Mini-program codes made by getwxacode and createwxaqrcode (real: 100,000 per account).
CREATE TABLE wxacode_counts (
	account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	used       INTEGER NOT NULL DEFAULT 0
);

-- The content-security word list of msg_sec_check (SPEC §18): a word or phrase and the
-- verdict a text containing it gets.
CREATE TABLE security_words (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	word       TEXT NOT NULL,
	suggest    TEXT NOT NULL CHECK (suggest IN ('review', 'risky')),
	label      INTEGER NOT NULL,
	PRIMARY KEY (account_id, position)
);

-- +goose Down
DROP TABLE security_words;
DROP TABLE wxacode_counts;
DROP TABLE notices;
DROP TABLE message_grants;
DROP TABLE message_templates;
DROP TABLE phone_codes;
DROP TABLE app_users;
ALTER TABLE people DROP COLUMN phone;
