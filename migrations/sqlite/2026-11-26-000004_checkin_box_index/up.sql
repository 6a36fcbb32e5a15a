-- The duplicate and dwell checks look up one officer's latest scan at one box.
CREATE INDEX checkins_officer_box_time ON checkins(officer_id, box_id, occurred_at);
