-- The violation catalog and legal timing rules are data with effective
-- dates: a ticket is judged by the version in force when the violation
-- happened. A version is never rewritten; an amendment closes it
-- (effective_to) and adds the next one.
CREATE TABLE violation_articles (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL,
    article TEXT NOT NULL,
    description TEXT NOT NULL,
    major TEXT,
    ticket_kinds TEXT NOT NULL,
    effective_from DATE NOT NULL,
    effective_to DATE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, effective_from)
);

CREATE TABLE violation_fines (
    article_id BIGINT NOT NULL REFERENCES violation_articles(id),
    vehicle_class TEXT NOT NULL,
    min_fine INTEGER NOT NULL,
    max_fine INTEGER NOT NULL,
    PRIMARY KEY (article_id, vehicle_class)
);

CREATE TABLE legal_rules (
    key TEXT NOT NULL,
    value INTEGER NOT NULL,
    basis TEXT NOT NULL,
    effective_from DATE NOT NULL,
    effective_to DATE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (key, effective_from)
);
