-- +goose Up
-- Indexes for the lookups that read a whole table once it is big (issue 9, item 4; found by
-- TestQueryPlansUseIndexes): the sweep of unfinished registrations and of one-time values,
-- the foreign keys that deleting an account checks in each table that refers to it, a
-- member's own development version, and an account's unused scans of a purpose.
CREATE INDEX accounts_unfinished ON accounts(created_at) WHERE step <> 'done';
CREATE INDEX one_time_values_account ON one_time_values(account_id);
CREATE INDEX one_time_values_expires ON one_time_values(expires_at);
CREATE INDEX notices_account ON notices(account_id);
CREATE INDEX phone_codes_account ON phone_codes(account_id);
CREATE INDEX versions_account ON versions(account_id, dev);
CREATE INDEX scans_account ON scans(account_id, purpose);
CREATE INDEX activations_account ON activations(account_id);

-- +goose Down
DROP INDEX activations_account;
DROP INDEX scans_account;
DROP INDEX versions_account;
DROP INDEX phone_codes_account;
DROP INDEX notices_account;
DROP INDEX one_time_values_expires;
DROP INDEX one_time_values_account;
DROP INDEX accounts_unfinished;
