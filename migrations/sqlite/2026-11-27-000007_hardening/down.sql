ALTER TABLE audit_log DROP COLUMN mac_key;
DROP INDEX tickets_superseded_once;
DROP INDEX tickets_serial_once;
ALTER TABLE checkins DROP COLUMN clock_offset_ms;
ALTER TABLE tickets DROP COLUMN request_fingerprint;
ALTER TABLE checkins DROP COLUMN request_fingerprint;
