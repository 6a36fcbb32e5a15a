-- An account someone else created or reset must choose its own password
-- at its first sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0;
