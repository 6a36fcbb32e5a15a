DROP TABLE transfer_voids;
ALTER TABLE transfer_batches DROP COLUMN format;
