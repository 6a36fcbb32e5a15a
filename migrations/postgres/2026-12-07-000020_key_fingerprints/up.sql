-- The keys the data was written with, by fingerprint (an HMAC of a fixed
-- label under the key, never the key): a node started with other keys
-- stops instead of signing what no other node can verify.
CREATE TABLE key_fingerprints (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
