DROP INDEX cases_ticket;
DROP TABLE ticket_counts;
