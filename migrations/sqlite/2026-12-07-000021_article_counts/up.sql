-- Tickets that stand (neither replaced by a correction nor voided), counted
-- by Taiwan month of the violation, unit and article as they are issued,
-- corrected and voided: the enforcement of the seven major violations is
-- read from these, a few thousand rows a year, not from a year's tickets.
CREATE TABLE article_counts (
    month TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    article_code TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (month, unit_id, article_code)
);

INSERT INTO article_counts (month, unit_id, article_code, n)
SELECT strftime('%Y-%m', t.violation_at, '+8 hours'), t.unit_id, t.article_code, COUNT(*)
FROM tickets t
WHERE NOT EXISTS (SELECT 1 FROM tickets later WHERE later.supersedes_id = t.id)
  AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.event = 'voided')
GROUP BY 1, 2, 3;

-- The index the enforcement counts were read from serves nothing now.
DROP INDEX tickets_violations;
