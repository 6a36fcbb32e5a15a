-- The same client_id must mean the same request: a digest of the canonical
-- request is kept with it, and a different body under a used id is refused.
ALTER TABLE checkins ADD COLUMN request_fingerprint TEXT;
ALTER TABLE tickets ADD COLUMN request_fingerprint TEXT;

-- Device clock minus the scan time the monotonic clock proved, for the
-- supervisor's information; NULL when the time rests on the device clock.
ALTER TABLE checkins ADD COLUMN clock_offset_ms BIGINT;

-- A ticket number is used once, and a version is corrected at most once:
-- racing handhelds and racing corrections end in a unique violation (409).
CREATE UNIQUE INDEX tickets_serial_once ON tickets(serial) WHERE version = 1;
CREATE UNIQUE INDEX tickets_superseded_once ON tickets(supersedes_id) WHERE supersedes_id IS NOT NULL;

-- The audit chain is keyed (HMAC under a key kept outside the database):
-- the id of the key that made each link. NULL for links made before.
ALTER TABLE audit_log ADD COLUMN mac_key TEXT;
