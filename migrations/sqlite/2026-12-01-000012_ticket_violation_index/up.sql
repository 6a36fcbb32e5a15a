-- The enforcement counts (tickets of the seven major violations per year
-- and unit) read this index alone: a year of a city without the tickets.
CREATE INDEX tickets_violations ON tickets(article_code, violation_at, unit_id) WHERE version = 1;
