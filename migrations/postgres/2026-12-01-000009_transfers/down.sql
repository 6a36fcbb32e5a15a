DROP TABLE transfer_items;
DROP TABLE transfer_batches;
