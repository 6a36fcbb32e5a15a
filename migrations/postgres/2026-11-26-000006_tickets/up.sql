-- Ticket serials are never reused: one counter hands out blocks.
CREATE TABLE ticket_serial_counter (
    id INTEGER PRIMARY KEY,
    next_serial BIGINT NOT NULL
);
INSERT INTO ticket_serial_counter (id, next_serial) VALUES (1, 1);

-- Serials allotted to an officer's handheld for writing tickets offline.
CREATE TABLE ticket_number_blocks (
    id BIGSERIAL PRIMARY KEY,
    officer_id BIGINT NOT NULL REFERENCES users(id),
    device TEXT NOT NULL,
    first_serial BIGINT NOT NULL,
    last_serial BIGINT NOT NULL,
    allotted_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_number_blocks_officer ON ticket_number_blocks(officer_id);

-- A ticket row is written once and never changed. A correction is a new
-- row (same number, next version) pointing at the one it replaces; a void
-- is an event beside it.
CREATE TABLE tickets (
    id BIGSERIAL PRIMARY KEY,
    number TEXT NOT NULL,
    serial BIGINT NOT NULL,
    version INTEGER NOT NULL,
    supersedes_id BIGINT REFERENCES tickets(id),
    error_type TEXT,
    client_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    officer_id BIGINT NOT NULL REFERENCES users(id),
    device TEXT,
    violation_at TIMESTAMP NOT NULL,
    reported_at TIMESTAMP,
    place TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    plate TEXT NOT NULL,
    vehicle_class TEXT NOT NULL,
    article_code TEXT NOT NULL,
    article_text TEXT NOT NULL,
    facts TEXT NOT NULL,
    fine INTEGER NOT NULL,
    due_date DATE NOT NULL,
    respond_to TEXT NOT NULL,
    signature TEXT NOT NULL,
    signature_reason TEXT,
    warnings_acknowledged TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    UNIQUE (number, version)
);
CREATE INDEX tickets_unit_issued ON tickets(unit_id, issued_at);
CREATE INDEX tickets_officer ON tickets(officer_id, issued_at);
CREATE INDEX tickets_supersedes ON tickets(supersedes_id);

CREATE TABLE ticket_people (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    sex TEXT,
    birth_date DATE,
    national_id TEXT,
    address TEXT,
    PRIMARY KEY (ticket_id, role)
);

CREATE TABLE ticket_events (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    event TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id);
