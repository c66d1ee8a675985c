-- +goose Up
-- Sandbox extras (SPEC §18, §10). The IP whitelist's mode: strict refuses a call from an
-- address not listed (the real platform), log-only lets it through and journals that it
-- would have been refused.
ALTER TABLE dev_settings ADD COLUMN whitelist_mode TEXT NOT NULL DEFAULT 'strict' CHECK (whitelist_mode IN ('strict', 'log-only'));
-- Secret rotation overlap: after a reset the previous secret's hash keeps working until
-- previous_until; each secret's last successful call (kept to the minute).
ALTER TABLE app_secrets ADD COLUMN last_used_at TEXT;
ALTER TABLE app_secrets ADD COLUMN previous_hash TEXT;
ALTER TABLE app_secrets ADD COLUMN previous_until TEXT;
ALTER TABLE app_secrets ADD COLUMN previous_last_used_at TEXT;
-- The overlap asked for when the reset_secret scan was started, applied when it completes.
ALTER TABLE scans ADD COLUMN secret_overlap_hours INTEGER NOT NULL DEFAULT 0 CHECK (secret_overlap_hours BETWEEN 0 AND 24);

-- +goose Down
ALTER TABLE scans DROP COLUMN secret_overlap_hours;
ALTER TABLE app_secrets DROP COLUMN previous_last_used_at;
ALTER TABLE app_secrets DROP COLUMN previous_until;
ALTER TABLE app_secrets DROP COLUMN previous_hash;
ALTER TABLE app_secrets DROP COLUMN last_used_at;
ALTER TABLE dev_settings DROP COLUMN whitelist_mode;
