-- +goose Up
-- The journal's index on `at` alone served only the hourly prune, yet every API call paid
-- for it (a quarter of a journal row's insert). The prune now walks the oldest rows by id
-- instead (journal.go), as rows arrive in time order.
DROP INDEX api_journal_at;

-- +goose Down
CREATE INDEX api_journal_at ON api_journal (at);
