-- +goose Up
-- The outbox becomes a queue (SPEC §19, issue 8): each mail knows the registration it
-- belongs to, so /mailbox shows a browser only the mail of its own registrations, and its
-- delivery state, so a refused mail is retried with backoff. next_attempt_at is NULL once
-- nothing more will be tried (sent, or given up); last_error never holds the body.
ALTER TABLE outbox ADD COLUMN account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
UPDATE outbox SET account_id = (SELECT id FROM accounts WHERE accounts.email = outbox.to_addr);
UPDATE outbox SET next_attempt_at = created_at WHERE sent_at IS NULL;
CREATE INDEX outbox_account ON outbox(account_id, id);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX outbox_created ON outbox(created_at);

-- +goose Down
DROP INDEX outbox_created;
DROP INDEX outbox_due;
DROP INDEX outbox_account;
ALTER TABLE outbox DROP COLUMN last_error;
ALTER TABLE outbox DROP COLUMN next_attempt_at;
ALTER TABLE outbox DROP COLUMN attempts;
ALTER TABLE outbox DROP COLUMN account_id;
