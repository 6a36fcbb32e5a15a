-- A supervisor's judgement of a flagged check-in. Reviews are appended,
-- never changed: the latest one stands, the earlier ones stay as history.
CREATE TABLE checkin_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    checkin_id BIGINT NOT NULL REFERENCES checkins(id),
    reviewer_id BIGINT NOT NULL REFERENCES users(id),
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX checkin_reviews_checkin ON checkin_reviews(checkin_id, id);
