-- What 違反道路交通管理事件統一裁罰基準及處理細則 §11 and §15 put on a
-- notice beyond what tickets kept before: who it is addressed to
-- (被通知人), when it was handed over despite a refused signature, the
-- measured speed of a speeding ticket, and a crash (Article 90's proviso;
-- 45 days to respond). One row per ticket version that has them; a
-- version without one was addressed to the stopped driver on the spot and
-- to the owner otherwise. A guardian is a ticket_people row ('guardian').
CREATE TABLE ticket_notices (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
    recipient TEXT NOT NULL,
    handed_over_at TIMESTAMP,
    speed_limit INTEGER,
    measured_speed INTEGER,
    crash BOOLEAN NOT NULL DEFAULT 0,
    appraisal_concluded_on DATE
);
