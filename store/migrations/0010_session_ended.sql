-- +goose Up
-- A console session ended by someone else (a password change, a removal, an administrator
-- transfer, a sign-out from the sessions page) keeps its row, emptied, until its browser
-- comes back, with why it ended: that browser's sign-in page says so (issue 10). The row
-- holds no account, person or values any more, and times out like any other.
ALTER TABLE sessions ADD COLUMN ended TEXT NOT NULL DEFAULT '';

-- +goose Down
DELETE FROM sessions WHERE ended <> '';
ALTER TABLE sessions DROP COLUMN ended;
