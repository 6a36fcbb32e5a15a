//! Failures that are not the request's fault: the disk is full, the
//! database cannot be reached or is busy. They are answered 503 with
//! `Retry-After` and a code saying what happened, never 500: the client did
//! nothing wrong and the same request will succeed once the condition
//! passes (a handheld keeps its queue and sends again).

use std::io::ErrorKind;

/// What went wrong, as the answer names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// No room to write: the disk (or the embedded database's size limit)
    /// is full.
    StorageFull,
    /// The database cannot be reached or the connection was lost.
    DatabaseUnavailable,
    /// The database is busy with other writers past the wait allowed.
    DatabaseBusy,
    /// Anything else that will pass: the service is shutting down, a
    /// stored file cannot be read back.
    ServiceUnavailable,
}

impl Fault {
    pub fn code(self) -> &'static str {
        match self {
            Fault::StorageFull => "storage_full",
            Fault::DatabaseUnavailable => "database_unavailable",
            Fault::DatabaseBusy => "database_busy",
            Fault::ServiceUnavailable => "service_unavailable",
        }
    }

    /// How long a client should wait before sending again.
    pub fn retry_after_secs(self) -> u64 {
        match self {
            Fault::StorageFull => 60,
            Fault::DatabaseUnavailable => 5,
            Fault::DatabaseBusy => 1,
            Fault::ServiceUnavailable => 5,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Fault::StorageFull => {
                "the server has no room to store this; nothing was stored — send it again later (the operators are told)"
            }
            Fault::DatabaseUnavailable => {
                "the database cannot be reached; nothing was stored — send it again shortly"
            }
            Fault::DatabaseBusy => "the database is busy; nothing was stored — send it again",
            Fault::ServiceUnavailable => "the service cannot answer now; try again shortly",
        }
    }
}

/// What a database error says about the server, if it is a fault of the
/// server's rather than of the request.
pub fn of_database(err: &diesel::result::Error) -> Option<Fault> {
    use diesel::result::{DatabaseErrorKind, Error};
    match err {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
            Some(Fault::DatabaseUnavailable)
        }
        Error::DatabaseError(_, info) => of_message(info.message()),
        Error::BrokenTransactionManager => Some(Fault::DatabaseUnavailable),
        _ => None,
    }
}

/// The words SQLite and PostgreSQL use for these conditions.
fn of_message(message: &str) -> Option<Fault> {
    let m = message.to_ascii_lowercase();
    let any = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
    if any(&[
        // SQLITE_FULL, and the size limit the embedded database is given.
        "database or disk is full",
        // PostgreSQL's own disk (SQLSTATE 53100).
        "could not extend file",
        "no space left on device",
        "disk quota exceeded",
    ]) {
        Some(Fault::StorageFull)
    } else if any(&[
        "server closed the connection",
        "terminating connection",
        "connection to server",
        "could not connect to server",
        "connection refused",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "no connection to the server",
        "ssl syscall error",
    ]) {
        Some(Fault::DatabaseUnavailable)
    } else if any(&["database is locked", "database table is locked"]) {
        Some(Fault::DatabaseBusy)
    } else {
        None
    }
}

/// What an I/O error says: a full disk is a fault; anything else is not
/// known to pass by itself.
pub fn of_io(err: &std::io::Error) -> Option<Fault> {
    // ENOSPC and EDQUOT on Linux.
    if err.kind() == ErrorKind::StorageFull
        || err.kind() == ErrorKind::QuotaExceeded
        || matches!(err.raw_os_error(), Some(28 | 122))
    {
        Some(Fault::StorageFull)
    } else {
        None
    }
}

/// The first fault named anywhere in an error's chain of causes.
pub fn of_chain(err: &anyhow::Error) -> Option<Fault> {
    err.chain().find_map(|cause| {
        if let Some(db) = cause.downcast_ref::<diesel::result::Error>() {
            return of_database(db);
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return of_io(io);
        }
        if let Some(diesel::ConnectionError::BadConnection(m)) =
            cause.downcast_ref::<diesel::ConnectionError>()
        {
            return of_message(m).or(Some(Fault::DatabaseUnavailable));
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn db(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn full_disks_and_lost_databases_are_named() {
        let cases = [
            ("database or disk is full", Fault::StorageFull),
            (
                "could not extend file \"base/16384/16385\": No space left on device",
                Fault::StorageFull,
            ),
            (
                "server closed the connection unexpectedly",
                Fault::DatabaseUnavailable,
            ),
            (
                "terminating connection due to administrator command",
                Fault::DatabaseUnavailable,
            ),
            ("database is locked", Fault::DatabaseBusy),
        ];
        for (message, fault) in cases {
            assert_eq!(
                of_database(&db(DatabaseErrorKind::Unknown, message)),
                Some(fault),
                "{message}"
            );
        }
        assert_eq!(
            of_database(&db(DatabaseErrorKind::ClosedConnection, "")),
            Some(Fault::DatabaseUnavailable)
        );
        // The request's own faults are not the server's.
        assert_eq!(
            of_database(&db(
                DatabaseErrorKind::CheckViolation,
                "new row violates check constraint"
            )),
            None
        );
        assert_eq!(of_database(&Error::NotFound), None);
    }

    #[test]
    fn a_full_disk_is_found_deep_in_a_chain() {
        let io = std::io::Error::from_raw_os_error(28);
        let err = anyhow::Error::new(io)
            .context("writing evidence")
            .context("storing");
        assert_eq!(of_chain(&err), Some(Fault::StorageFull));
        let other = anyhow::anyhow!("something else");
        assert_eq!(of_chain(&other), None);
        let db = anyhow::Error::new(db(DatabaseErrorKind::Unknown, "database or disk is full"))
            .context("database");
        assert_eq!(of_chain(&db), Some(Fault::StorageFull));
    }

    #[test]
    fn every_fault_asks_for_a_retry() {
        for f in [
            Fault::StorageFull,
            Fault::DatabaseUnavailable,
            Fault::DatabaseBusy,
            Fault::ServiceUnavailable,
        ] {
            assert!(f.retry_after_secs() >= 1);
            assert!(!f.words().is_empty());
        }
    }
}
