-- Tickets issued (first versions), counted as they are issued, by Taiwan
-- month and every dimension the error rate is read by: a year of a city is
-- 1.5 million tickets, and the statistics must not read them one by one.
-- vendor_id and keyer_id are 0 for tickets no vendor keyed.
CREATE TABLE ticket_counts (
    month TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    officer_id BIGINT NOT NULL,
    vendor_id BIGINT NOT NULL,
    keyer_id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (month, unit_id, kind, officer_id, vendor_id, keyer_id)
);

INSERT INTO ticket_counts (month, unit_id, kind, officer_id, vendor_id, keyer_id, n)
SELECT to_char(t.issued_at + interval '8 hours', 'YYYY-MM'), t.unit_id, t.kind, t.officer_id,
       COALESCE(c.vendor_id, 0),
       COALESCE((SELECT e.user_id FROM case_entries e WHERE e.case_id = c.id AND e.step = 'keying' ORDER BY e.id DESC LIMIT 1), 0),
       COUNT(*)
FROM tickets t LEFT JOIN cases c ON c.ticket_id = t.id
WHERE t.version = 1
GROUP BY 1, 2, 3, 4, 5, 6;

CREATE INDEX cases_ticket ON cases(ticket_id);
