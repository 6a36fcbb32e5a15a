//! Uploads are turned away, not queued, when writing falls behind. A
//! handheld keeps its offline queue and sends again later; what it must
//! not do is wait twenty seconds for an answer behind everyone else. Each
//! admitted upload reports how long it waited to start writing (for the
//! SQLite writer's turn, a pooled connection, a blocking thread); while the
//! recent waits average more than the limit, new uploads get 503 with
//! `Retry-After` at once. A few are always let in, so the waits keep being
//! measured and admission resumes as soon as they shorten.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::error::{ApiError, ApiResult};

/// How long a handheld is asked to wait before sending again.
pub const RETRY_AFTER_SECS: u64 = 1;
/// Waits older than this say nothing about now.
const FORGET_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy)]
struct Recent {
    /// Moving average of the waits, in microseconds.
    wait_us: f64,
    at: Instant,
}

pub struct WriteAdmission {
    limit: Duration,
    /// Uploads in flight up to which all are admitted whatever the waits.
    always: u32,
    in_flight: AtomicU32,
    recent: Mutex<Option<Recent>>,
}

impl WriteAdmission {
    pub fn new(limit: Duration, always: u32) -> Arc<Self> {
        Arc::new(WriteAdmission {
            limit,
            always,
            in_flight: AtomicU32::new(0),
            recent: Mutex::new(None),
        })
    }

    /// Admits an upload, or refuses it (503, `overloaded`).
    pub fn admit(self: &Arc<Self>) -> ApiResult<Admitted> {
        self.admit_at(Instant::now())
    }

    fn admit_at(self: &Arc<Self>, now: Instant) -> ApiResult<Admitted> {
        let in_flight = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let admitted = Admitted {
            gate: self.clone(),
            since: now,
            reported: false,
        };
        if in_flight > self.always && self.behind(now) {
            drop(admitted);
            return Err(ApiError::Overloaded {
                retry_after_secs: RETRY_AFTER_SECS,
            });
        }
        Ok(admitted)
    }

    fn behind(&self, now: Instant) -> bool {
        let Ok(recent) = self.recent.lock() else {
            return false;
        };
        match *recent {
            Some(r) if now.duration_since(r.at) < FORGET_AFTER => {
                r.wait_us > self.limit.as_micros() as f64
            }
            _ => false,
        }
    }

    fn record(&self, wait: Duration, now: Instant) {
        let Ok(mut recent) = self.recent.lock() else {
            return;
        };
        let wait_us = wait.as_micros() as f64;
        *recent = Some(match *recent {
            Some(r) if now.duration_since(r.at) < FORGET_AFTER => Recent {
                wait_us: r.wait_us + (wait_us - r.wait_us) / 8.0,
                at: now,
            },
            _ => Recent { wait_us, at: now },
        });
    }
}

/// An admitted upload; it leaves the count when dropped.
pub struct Admitted {
    gate: Arc<WriteAdmission>,
    since: Instant,
    reported: bool,
}

impl Admitted {
    /// Called once the upload begins to write: how long it waited counts.
    pub fn writing(&mut self) {
        if !self.reported {
            self.reported = true;
            let now = Instant::now();
            self.gate.record(now.duration_since(self.since), now);
        }
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.gate.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_waits_turn_new_uploads_away_until_they_shorten() {
        let gate = WriteAdmission::new(Duration::from_millis(40), 1);
        let t0 = Instant::now();
        let held = gate.admit_at(t0).unwrap();
        gate.record(Duration::from_millis(200), t0);
        // One in flight is always let in; a second is not while behind.
        let refused = gate.admit_at(t0 + Duration::from_millis(1));
        assert!(matches!(refused, Err(ApiError::Overloaded { .. })));
        assert_eq!(gate.in_flight.load(Ordering::SeqCst), 1, "refusals leave");
        // Short waits bring the average down, and uploads in again.
        for i in 0..30 {
            gate.record(Duration::from_millis(1), t0 + Duration::from_millis(2 + i));
        }
        assert!(gate.admit_at(t0 + Duration::from_millis(40)).is_ok());
        drop(held);
    }

    #[test]
    fn old_waits_are_forgotten() {
        let gate = WriteAdmission::new(Duration::from_millis(40), 0);
        let t0 = Instant::now();
        gate.record(Duration::from_secs(3), t0);
        assert!(gate.admit_at(t0).is_err());
        assert!(gate.admit_at(t0 + Duration::from_secs(2)).is_ok());
    }
}
