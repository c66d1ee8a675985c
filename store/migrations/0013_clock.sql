-- +goose Up
-- The sandbox clock (SPEC §18): how far each account's clock runs ahead of the wall clock.
-- An account without a row runs on the wall clock. Every expiry and quota of the account
-- reads it through Store.nowFor.
CREATE TABLE sandbox_clocks (
	account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	offset_ms  INTEGER NOT NULL CHECK (offset_ms > 0),
	moved_at   TEXT NOT NULL
);

-- +goose Down
DROP TABLE sandbox_clocks;
