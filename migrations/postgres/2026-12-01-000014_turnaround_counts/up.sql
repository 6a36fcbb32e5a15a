-- Cases ticketed, counted as they are ticketed, by Taiwan month of issue,
-- unit, source and vendor (0: keyed by the police), with the whole Taiwan
-- days from the violation ('violation') and from intake ('intake') to the
-- issue: the turnaround's medians and shares are read from these, not
-- from a year's cases one by one.
CREATE TABLE turnaround_counts (
    month TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    source TEXT NOT NULL,
    vendor_id BIGINT NOT NULL,
    measure TEXT NOT NULL,
    days INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (month, unit_id, source, vendor_id, measure, days)
);

INSERT INTO turnaround_counts (month, unit_id, source, vendor_id, measure, days, n)
SELECT to_char(t.issued_at + interval '8 hours', 'YYYY-MM'), c.unit_id, c.source, COALESCE(c.vendor_id, 0), 'violation',
       ((t.issued_at + interval '8 hours')::date - (c.violation_at + interval '8 hours')::date),
       COUNT(*)
FROM cases c JOIN tickets t ON t.id = c.ticket_id
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO turnaround_counts (month, unit_id, source, vendor_id, measure, days, n)
SELECT to_char(t.issued_at + interval '8 hours', 'YYYY-MM'), c.unit_id, c.source, COALESCE(c.vendor_id, 0), 'intake',
       ((t.issued_at + interval '8 hours')::date - (c.received_at + interval '8 hours')::date),
       COUNT(*)
FROM cases c JOIN tickets t ON t.id = c.ticket_id
GROUP BY 1, 2, 3, 4, 5, 6;
