-- +goose Up
-- The members page lists an account's members oldest first. The unique index on
-- (account_id, person_id, kind) found the rows but left them to be sorted on every page;
-- this one reads them in order (rowid, the tie-break, is the index's last column).
CREATE INDEX members_account_added ON members(account_id, added_at);

-- +goose Down
DROP INDEX members_account_added;
