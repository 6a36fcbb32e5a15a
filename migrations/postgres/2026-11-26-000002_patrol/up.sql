-- Versions of the key that signs box codes. Key material derives from the
-- master secret; a retired version's stickers stop working.
CREATE TABLE box_code_keys (
    version INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);

CREATE TABLE patrol_boxes (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    radius_m DOUBLE PRECISION NOT NULL,
    -- Set when the box needs tap-in and tap-out with a minimum stay (守望).
    min_dwell_secs INTEGER,
    -- Serial of the sticker on the box; reissuing a sticker voids the old one.
    code_serial INTEGER NOT NULL,
    retired_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX patrol_boxes_unit ON patrol_boxes(unit_id);

CREATE TABLE patrol_plans (
    id BIGSERIAL PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    weekdays INTEGER NOT NULL,
    window_start_min INTEGER NOT NULL,
    window_end_min INTEGER NOT NULL,
    visits_per_window INTEGER NOT NULL,
    ordered BOOLEAN NOT NULL,
    grace_minutes INTEGER NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);
CREATE INDEX patrol_plans_unit ON patrol_plans(unit_id);

CREATE TABLE patrol_plan_officers (
    plan_id BIGINT NOT NULL REFERENCES patrol_plans(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (plan_id, user_id)
);
CREATE INDEX patrol_plan_officers_user ON patrol_plan_officers(user_id);

CREATE TABLE patrol_plan_boxes (
    plan_id BIGINT NOT NULL REFERENCES patrol_plans(id),
    box_id BIGINT NOT NULL REFERENCES patrol_boxes(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (plan_id, box_id)
);
CREATE INDEX patrol_plan_boxes_box ON patrol_plan_boxes(box_id);

-- Check-ins are never edited or deleted; suspicious ones carry flags.
CREATE TABLE checkins (
    id BIGSERIAL PRIMARY KEY,
    -- The handheld's id for this scan: the idempotency key of uploads.
    client_id TEXT NOT NULL UNIQUE,
    officer_id BIGINT NOT NULL REFERENCES users(id),
    box_id BIGINT NOT NULL REFERENCES patrol_boxes(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    time_source TEXT NOT NULL,
    device_time TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    accuracy_m DOUBLE PRECISION NOT NULL,
    distance_m DOUBLE PRECISION NOT NULL,
    mock_location BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    flags TEXT NOT NULL,
    plan_id BIGINT REFERENCES patrol_plans(id),
    device TEXT
);
CREATE INDEX checkins_box_time ON checkins(box_id, occurred_at);
CREATE INDEX checkins_officer_time ON checkins(officer_id, occurred_at);
CREATE INDEX checkins_unit_time ON checkins(unit_id, occurred_at);

INSERT INTO box_code_keys (version, created_at) VALUES (1, CURRENT_TIMESTAMP);
