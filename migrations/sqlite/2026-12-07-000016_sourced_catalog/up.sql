-- The catalog says where each figure comes from and how far the legal
-- office has got with it (confirmed / unconfirmed); what citizens may
-- report is a list per amendment; every loaded edition is remembered with
-- its sources and notices.
ALTER TABLE violation_articles ADD COLUMN amendment TEXT NOT NULL DEFAULT '';
ALTER TABLE violation_articles ADD COLUMN status TEXT NOT NULL DEFAULT 'unconfirmed';
ALTER TABLE violation_articles ADD COLUMN cites TEXT NOT NULL DEFAULT '[]';
ALTER TABLE violation_articles ADD COLUMN note TEXT;
ALTER TABLE violation_articles ADD COLUMN repeat_group TEXT;
ALTER TABLE violation_articles ADD COLUMN speed_from INTEGER;
ALTER TABLE violation_articles ADD COLUMN speed_to INTEGER;
ALTER TABLE violation_fines ADD COLUMN schedule TEXT;
ALTER TABLE legal_rules ADD COLUMN status TEXT NOT NULL DEFAULT 'unconfirmed';
ALTER TABLE legal_rules ADD COLUMN cites TEXT NOT NULL DEFAULT '[]';
ALTER TABLE legal_rules ADD COLUMN note TEXT;

-- What was loaded before was demonstration data, never law: it is kept
-- for history, used for nothing, and its codes and keys are marked so the
-- sourced versions can take them.
UPDATE violation_articles SET status = 'withdrawn', code = code || '@demo';
UPDATE legal_rules SET status = 'withdrawn', key = key || '@demo';

CREATE TABLE citizen_report_lists (
    effective_from DATE PRIMARY KEY,
    effective_to DATE,
    amendment TEXT NOT NULL,
    cites TEXT NOT NULL,
    codes TEXT NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE catalog_editions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    edition TEXT NOT NULL,
    note TEXT NOT NULL,
    sources TEXT NOT NULL,
    notices TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
