//! Rules of the form "only one" or "at most N" (one ticket per violation,
//! a vendor billed up to its cap, a ticket in one transfer batch) are
//! decided by reading and then writing. Two transactions deciding the same
//! thing at the same instant must not both read the world before either
//! wrote: the decision takes a lock the database holds until the
//! transaction ends, so the second reads what the first wrote, on however
//! many nodes.
//!
//! On PostgreSQL that is a transaction-level advisory lock on a 64-bit key
//! derived from what is being decided (`vehicle:ABC-1234`,
//! `contract:7`); on SQLite every write transaction already holds the one
//! writer's lock from its start (`BEGIN IMMEDIATE`), so there is nothing
//! more to take.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use sha2::{Digest, Sha256};

use super::DbConn;

/// The lock's key: the first eight bytes of SHA-256 of `subject`, so keys
/// of different subjects collide only by chance (and a collision only
/// makes two unrelated decisions wait for each other).
pub fn key_of(subject: &str) -> i64 {
    let digest = Sha256::digest(subject.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    i64::from_be_bytes(first)
}

/// Holds the decision about `subject` until the current transaction ends.
/// Call it inside a write transaction, before reading what decides.
pub fn hold(conn: &mut DbConn, subject: &str) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(key_of(subject))
            .execute(pg)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::key_of;

    #[test]
    fn keys_are_stable_and_distinct() {
        assert_eq!(key_of("vehicle:ABC-1234"), key_of("vehicle:ABC-1234"));
        assert_ne!(key_of("vehicle:ABC-1234"), key_of("vehicle:ABC-1235"));
        assert_ne!(key_of("contract:1"), key_of("vehicle:1"));
    }
}
