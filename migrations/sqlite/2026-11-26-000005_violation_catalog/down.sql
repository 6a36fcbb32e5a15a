DROP TABLE legal_rules;
DROP TABLE violation_fines;
DROP TABLE violation_articles;
