-- Batches of issued tickets sent to the motor vehicles office. A ticket
-- version is in one batch at most; a batch the office has receipted is
-- never sent again.
CREATE TABLE transfer_batches (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users(id),
    tickets INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    receipt TEXT,
    receipted_at TIMESTAMP
);

CREATE TABLE transfer_items (
    batch_id BIGINT NOT NULL REFERENCES transfer_batches(id),
    ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets(id),
    PRIMARY KEY (batch_id, ticket_id)
);
