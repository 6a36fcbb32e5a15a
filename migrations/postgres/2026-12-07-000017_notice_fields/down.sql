DROP TABLE ticket_notices;
