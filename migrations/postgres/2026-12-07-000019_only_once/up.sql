-- "Only once" rules held by the database, not by a read before a write:
-- a rejection of a ticket version is recorded once, and a ticket version
-- goes out in one transfer batch. Copies left by requests that raced
-- before this constraint existed are removed first (the earliest stays).
DELETE FROM ticket_events
WHERE event = 'rejected'
  AND id NOT IN (
    SELECT MIN(id) FROM ticket_events WHERE event = 'rejected' GROUP BY ticket_id, reason
  );
CREATE UNIQUE INDEX ticket_events_one_rejection
    ON ticket_events (ticket_id, reason) WHERE event = 'rejected';
CREATE UNIQUE INDEX transfer_items_one_batch ON transfer_items (ticket_id);
