DROP INDEX transfer_items_one_batch;
DROP INDEX ticket_events_one_rejection;
