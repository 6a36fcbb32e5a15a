DROP TABLE case_events;
DROP TABLE near_misses;
DROP TABLE case_entries;
DROP TABLE case_evidence;
DROP TABLE cases;
DROP TABLE evidence_files;
DROP TABLE vehicle_registry;
