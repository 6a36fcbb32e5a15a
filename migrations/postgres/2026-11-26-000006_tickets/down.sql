DROP TABLE ticket_events;
DROP TABLE ticket_people;
DROP TABLE tickets;
DROP TABLE ticket_number_blocks;
DROP TABLE ticket_serial_counter;
