-- Mistakes the rules caught in an on-the-spot ticket before it was issued:
-- one row per ticket (its client id), field and rule, however often the
-- officer's handheld sent the same draft.
CREATE TABLE ticket_near_misses (
    id BIGSERIAL PRIMARY KEY,
    client_id TEXT NOT NULL,
    officer_id BIGINT NOT NULL REFERENCES users(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    UNIQUE (officer_id, client_id, field, code)
);
CREATE INDEX ticket_near_misses_at ON ticket_near_misses(at);
