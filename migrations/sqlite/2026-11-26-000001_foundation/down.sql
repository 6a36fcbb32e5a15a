DROP TRIGGER IF EXISTS audit_log_no_update;
DROP TRIGGER IF EXISTS audit_log_no_delete;
DROP TABLE audit_log;
DROP TABLE refresh_tokens;
DROP TABLE auth_sessions;
DROP TABLE login_throttle;
DROP TABLE users;
DROP TABLE vendors;
DROP TABLE units;
