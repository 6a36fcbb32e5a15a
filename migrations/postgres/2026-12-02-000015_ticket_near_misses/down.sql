DROP TABLE ticket_near_misses;
