-- The vehicle registry (車籍) as extracts are imported: a plate's record in
-- force on a day is its row with the latest effective_from on or before
-- that day. Rows are only added; a new extract replaces by date.
CREATE TABLE vehicle_registry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plate TEXT NOT NULL,
    vehicle_class TEXT NOT NULL,
    make TEXT NOT NULL,
    colour TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    owner_national_id TEXT NOT NULL,
    owner_address TEXT NOT NULL,
    effective_from DATE NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
CREATE INDEX vehicle_registry_plate ON vehicle_registry(plate, effective_from);

-- Evidence files, content-addressed: the bytes live in the evidence store
-- under their SHA-256; this row says what they are.
CREATE TABLE evidence_files (
    sha256 TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- A camera case (逕行舉發) or citizen report (民眾檢舉) on its way to a
-- ticket. The row holds what came in and where the case stands; every
-- step is an append-only event, entry or difference beside it.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE,
    request_fingerprint TEXT NOT NULL,
    source TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    vendor_id BIGINT REFERENCES vendors(id),
    violation_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    camera_id TEXT,
    measured_speed INTEGER,
    speed_limit INTEGER,
    signal_phase TEXT,
    reported_plate TEXT,
    reported_article TEXT,
    description TEXT,
    reporter_name TEXT,
    reporter_contact TEXT,
    deadline DATE NOT NULL,
    status TEXT NOT NULL,
    close_reason TEXT,
    duplicate_of BIGINT REFERENCES cases(id),
    ticket_id BIGINT REFERENCES tickets(id),
    claimed_by BIGINT REFERENCES users(id),
    claim_expires_at TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_queue ON cases(status, deadline, id);
CREATE INDEX cases_unit ON cases(unit_id, received_at);
CREATE INDEX cases_plate ON cases(reported_plate, violation_at);

CREATE TABLE case_evidence (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    sha256 TEXT NOT NULL REFERENCES evidence_files(sha256),
    added_by BIGINT REFERENCES users(id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, sha256)
);

-- What each person keyed at each step: keying (all fields), verification
-- (the critical fields, blind), resolution (the critical fields).
CREATE TABLE case_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    step TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    vendor_id BIGINT REFERENCES vendors(id),
    plate TEXT NOT NULL,
    vehicle_class TEXT NOT NULL,
    article_code TEXT NOT NULL,
    violation_at TIMESTAMP NOT NULL,
    place TEXT,
    facts TEXT,
    fine INTEGER,
    make TEXT,
    acknowledge TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_entries_case ON case_entries(case_id, step);
CREATE INDEX case_entries_user ON case_entries(user_id, created_at);

-- Mistakes caught before issue (near misses): a keying difference found by
-- verification and settled by resolution (against the person whose value
-- was wrong), a validation error, a registry mismatch.
CREATE TABLE near_misses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    vendor_id BIGINT REFERENCES vendors(id),
    user_id BIGINT REFERENCES users(id),
    caught_by TEXT NOT NULL,
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX near_misses_at ON near_misses(at);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    event TEXT NOT NULL,
    status TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    reason TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id);
