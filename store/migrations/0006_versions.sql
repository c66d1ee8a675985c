-- +goose Up
-- Code packages (SPEC §12), addressed by their SHA-256 and kept in the database rather than
-- in files beside it: a package is written in the transaction that creates its version and
-- deleted in the one that drops the last version using it, and `mpconsole backup` copies it.
CREATE TABLE packages (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	files      TEXT NOT NULL, -- the zip's file names, a JSON list
	pages      TEXT NOT NULL, -- app.json's pages, a JSON list
	data       BLOB NOT NULL,
	created_at TEXT NOT NULL
);

-- Uploaded code. dev marks the uploader's latest upload (one per person or robot), trial the
-- account's one trial version; a row without either stays while a review or a release uses it.
CREATE TABLE versions (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	version     TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	person_id   INTEGER REFERENCES people(id),
	robot       INTEGER CHECK (robot BETWEEN 1 AND 30),
	package     TEXT REFERENCES packages(sha256),
	dev         INTEGER NOT NULL DEFAULT 1,
	trial       INTEGER NOT NULL DEFAULT 0,
	uploaded_at TEXT NOT NULL,
	CHECK ((person_id IS NULL) <> (robot IS NULL))
);
CREATE UNIQUE INDEX versions_dev_person ON versions(account_id, person_id) WHERE dev = 1 AND person_id IS NOT NULL;
CREATE UNIQUE INDEX versions_dev_robot ON versions(account_id, robot) WHERE dev = 1 AND robot IS NOT NULL;
CREATE UNIQUE INDEX versions_trial ON versions(account_id) WHERE trial = 1;
CREATE INDEX versions_package ON versions(package);

-- Code reviews. The review slot holds at most one pending, approved or rejected review; the
-- others are closed (withdrawn, replaced by a newer submission, or released) at closed_at.
CREATE TABLE code_reviews (
	id           INTEGER PRIMARY KEY,
	account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	version_id   INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
	groups       TEXT NOT NULL, -- the page groups, JSON
	status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'replaced', 'released')),
	reason       TEXT NOT NULL DEFAULT '',
	person_id    INTEGER REFERENCES people(id),
	submitted_at TEXT NOT NULL,
	decided_at   TEXT,
	closed_at    TEXT
);
CREATE UNIQUE INDEX code_reviews_slot ON code_reviews(account_id) WHERE status IN ('pending', 'approved', 'rejected');
CREATE INDEX code_reviews_status ON code_reviews(status, submitted_at);
CREATE INDEX code_reviews_closed ON code_reviews(account_id, status, closed_at);
CREATE INDEX code_reviews_version ON code_reviews(version_id);

-- Releases, newest last. The online version is the newest release not cancelled; a phased
-- one (phase not null) gives previous_id's version to everyone outside its share.
CREATE TABLE releases (
	id               INTEGER PRIMARY KEY,
	account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	version_id       INTEGER NOT NULL REFERENCES versions(id),
	previous_id      INTEGER REFERENCES releases(id),
	mode             TEXT NOT NULL CHECK (mode IN ('full', 'phased', 'rollback')),
	phase            TEXT CHECK (phase IN ('running', 'paused', 'done', 'cancelled')),
	percent          INTEGER NOT NULL DEFAULT 100 CHECK (percent BETWEEN 1 AND 100),
	members_first    INTEGER NOT NULL DEFAULT 0,
	testers_first    INTEGER NOT NULL DEFAULT 0,
	person_id        INTEGER REFERENCES people(id),
	released_at      TEXT NOT NULL,
	phase_changed_at TEXT,
	CHECK ((mode = 'phased') = (phase IS NOT NULL))
);
CREATE INDEX releases_account ON releases(account_id, id);
CREATE INDEX releases_version ON releases(version_id);

-- The code-upload key (SPEC §12): only a keyed hash, and its own IP whitelist.
CREATE TABLE upload_keys (
	account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	key_hash     TEXT,
	created_at   TEXT,
	ip_whitelist TEXT NOT NULL DEFAULT '',
	updated_at   TEXT NOT NULL
);

-- The operation log names a CI robot (1-30) as the actor of its uploads.
ALTER TABLE oplog ADD COLUMN robot INTEGER CHECK (robot BETWEEN 1 AND 30);

-- Login codes and visits carry the environment that was opened (release, trial, develop).
-- Codes live five minutes; the few in flight keep their meaning ('online' was the release).
CREATE TABLE js_codes_next (
	id         INTEGER PRIMARY KEY,
	code_hash  TEXT NOT NULL UNIQUE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	env        TEXT NOT NULL CHECK (env IN ('release', 'trial', 'develop')),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
INSERT INTO js_codes_next (id, code_hash, account_id, person_id, env, created_at, expires_at, used_at)
	SELECT id, code_hash, account_id, person_id, CASE version WHEN 'online' THEN 'release' ELSE version END, created_at, expires_at, used_at
	FROM js_codes;
DROP TABLE js_codes;
ALTER TABLE js_codes_next RENAME TO js_codes;
CREATE INDEX js_codes_used ON js_codes(account_id, person_id, used_at);
CREATE INDEX js_codes_expires ON js_codes(expires_at);

-- Visitors per day and environment, with how often each opened it. Earlier rows did not
-- know the version; they become one release visit each (daily_counts keeps the exact total).
CREATE TABLE daily_visitors_next (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	day        TEXT NOT NULL,
	env        TEXT NOT NULL CHECK (env IN ('release', 'trial', 'develop')),
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	visits     INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (account_id, day, env, person_id)
);
INSERT INTO daily_visitors_next (account_id, day, env, person_id) SELECT account_id, day, 'release', person_id FROM daily_visitors;
DROP TABLE daily_visitors;
ALTER TABLE daily_visitors_next RENAME TO daily_visitors;
CREATE INDEX daily_visitors_person ON daily_visitors(account_id, person_id, day);

-- +goose Down
CREATE TABLE daily_visitors_prev (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	day        TEXT NOT NULL,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	PRIMARY KEY (account_id, day, person_id)
);
INSERT OR IGNORE INTO daily_visitors_prev SELECT account_id, day, person_id FROM daily_visitors;
DROP TABLE daily_visitors;
ALTER TABLE daily_visitors_prev RENAME TO daily_visitors;
CREATE INDEX daily_visitors_person ON daily_visitors(account_id, person_id, day);

CREATE TABLE js_codes_prev (
	id         INTEGER PRIMARY KEY,
	code_hash  TEXT NOT NULL UNIQUE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
	version    TEXT NOT NULL CHECK (version IN ('trial', 'online')),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
INSERT INTO js_codes_prev SELECT id, code_hash, account_id, person_id, CASE env WHEN 'trial' THEN 'trial' ELSE 'online' END,
	created_at, expires_at, used_at FROM js_codes;
DROP TABLE js_codes;
ALTER TABLE js_codes_prev RENAME TO js_codes;
CREATE INDEX js_codes_used ON js_codes(account_id, person_id, used_at);
CREATE INDEX js_codes_expires ON js_codes(expires_at);

ALTER TABLE oplog DROP COLUMN robot;
DROP TABLE upload_keys;
DROP TABLE releases;
DROP TABLE code_reviews;
DROP TABLE versions;
DROP TABLE packages;
