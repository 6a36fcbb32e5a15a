DROP TABLE article_counts;
CREATE INDEX tickets_violations ON tickets(article_code, violation_at, unit_id) WHERE version = 1;
