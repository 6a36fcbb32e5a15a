-- A ticket voided after it went to the motor vehicles office goes out once
-- more, as a void record of the next batch: the office hears of every void.
-- Batches made from now on use the file format with a record column
-- (format 2); earlier batches keep theirs, so their files still hash as
-- recorded.
ALTER TABLE transfer_batches ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
-- ticket_id: the voided version (at most one void line each);
-- sent_id: the version the office holds, which the void line repeats.
CREATE TABLE transfer_voids (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id),
    sent_id BIGINT NOT NULL REFERENCES tickets(id),
    batch_id BIGINT NOT NULL REFERENCES transfer_batches(id)
);
CREATE INDEX transfer_voids_batch ON transfer_voids(batch_id);
