//! The steps that judge a whole ticket (keying, verification, resolution,
//! approval) take turns, a few at a time; claiming and releasing a case do
//! not. A claim is one short write, and the person waiting on it is about
//! to start work: with fifty keyers submitting at once it would otherwise
//! queue behind every keying in flight (on SQLite behind the one writer,
//! on PostgreSQL behind backends contending for the same cores). Letting
//! only a few keyings in at a time puts a claim behind at most those.

use std::sync::{Condvar, Mutex, PoisonError};

use crate::db::DbConn;

/// Keyings in flight at once: SQLite writes one at a time anyway; on
/// PostgreSQL two per core keep the cores busy while one waits on the disk.
fn allowed(conn: &DbConn) -> usize {
    match conn {
        DbConn::Sqlite(_) => 1,
        DbConn::Pg(_) => std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
    }
}

static IN_FLIGHT: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// A turn held until dropped.
pub struct Turn(());

impl Drop for Turn {
    fn drop(&mut self) {
        let mut n = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
        *n = n.saturating_sub(1);
        FREED.notify_one();
    }
}

/// Waits for a turn to judge and write a step.
pub fn take(conn: &DbConn) -> Turn {
    let allowed = allowed(conn);
    let mut n = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
    while *n >= allowed {
        n = FREED.wait(n).unwrap_or_else(PoisonError::into_inner);
    }
    *n += 1;
    Turn(())
}
