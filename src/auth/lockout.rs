//! The lockout rule: at most five passwords are checked per badge in a
//! ten-minute window; the fifth failure locks the badge for ten minutes.
//!
//! An attempt is *reserved* before its password is hashed, in the same
//! transaction that reads the count (the row locked), so parallel guesses,
//! on one node or many, cannot all read "four failures so far" and all be
//! checked. A reservation is given back only by a success, which clears
//! the count. An attempt that arrives while all five are taken and not yet
//! all failed is told to come back in a moment rather than locking the
//! badge: the attempts still being checked may be the officer's own, and
//! their success clears the count (their fifth failure locks it).

use chrono::{Duration, NaiveDateTime};

pub const MAX_FAILURES: i32 = 5;
pub const LOCK_MINUTES: i64 = 10;

/// The throttle state of one badge. `failures` counts attempts reserved in
/// the current window (a wrong password keeps its reservation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// What to do with one sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Check the password; store `state` first.
    Check { state: Throttle },
    /// Refuse without hashing. `state` is what to store (a new lock), if
    /// anything changed.
    Locked {
        retry_after_secs: u64,
        state: Option<Throttle>,
    },
    /// Refuse without hashing, changing nothing: every attempt of the
    /// window is taken and one at least is still being checked.
    Busy { retry_after_secs: u64 },
}

/// How soon to try again while attempts are being checked: a password
/// check takes well under a second.
pub const BUSY_RETRY_SECS: u64 = 1;

/// Seconds left on a lock, if the badge is locked at `now`.
pub fn locked_for(state: Option<&Throttle>, now: NaiveDateTime) -> Option<u64> {
    let until = state?.locked_until?;
    (until > now).then(|| (until - now).num_seconds().max(1) as u64)
}

/// Attempts already counted in the window that is current at `now`. Old
/// attempts are forgotten, so four typos last month and one today do not
/// lock; an expired lock starts a fresh window.
fn counted(state: Option<&Throttle>, now: NaiveDateTime) -> i32 {
    let window = Duration::minutes(LOCK_MINUTES);
    state
        .filter(|s| now - s.updated_at < window && s.locked_until.is_none())
        .map(|s| s.failures)
        .unwrap_or(0)
}

/// Reserves one attempt at `now`, or refuses it. A sixth attempt while five
/// are counted and the badge is not locked finds one of them at least
/// still being checked (the fifth failure locks): it is told to wait.
pub fn reserve(state: Option<&Throttle>, now: NaiveDateTime) -> Reservation {
    if let Some(retry_after_secs) = locked_for(state, now) {
        return Reservation::Locked {
            retry_after_secs,
            state: None,
        };
    }
    let attempts = counted(state, now) + 1;
    if attempts > MAX_FAILURES {
        return Reservation::Busy {
            retry_after_secs: BUSY_RETRY_SECS,
        };
    }
    Reservation::Check {
        state: Throttle {
            failures: attempts,
            locked_until: None,
            updated_at: now,
        },
    }
}

/// The state after a reserved attempt failed at `now`: the fifth failure in
/// the window locks the badge. `None` when nothing changes.
pub fn after_failure(state: Option<&Throttle>, now: NaiveDateTime) -> Option<Throttle> {
    if locked_for(state, now).is_some() {
        return None;
    }
    (counted(state, now) >= MAX_FAILURES).then(|| Throttle {
        failures: 0,
        locked_until: Some(now + Duration::minutes(LOCK_MINUTES)),
        updated_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + minute * 60, 0)
            .unwrap()
            .naive_utc()
    }

    /// One sequential failed attempt: reserve, then record the failure.
    fn fail(state: Option<Throttle>, at: NaiveDateTime) -> Option<Throttle> {
        match reserve(state.as_ref(), at) {
            Reservation::Check { state } => after_failure(Some(&state), at).or(Some(state)),
            Reservation::Locked { state: s, .. } => s.or(state),
            Reservation::Busy { .. } => state,
        }
    }

    #[test]
    fn five_failures_lock_for_ten_minutes() {
        let mut state = None;
        for i in 0..4 {
            state = fail(state, t(0));
            assert_eq!(state.unwrap().failures, i + 1);
            assert!(state.unwrap().locked_until.is_none());
        }
        let locked = fail(state, t(1)).unwrap();
        assert_eq!(locked.locked_until, Some(t(11)));
        assert_eq!(locked_for(Some(&locked), t(2)), Some(540));
        assert_eq!(locked_for(Some(&locked), t(11)), None);
        assert!(matches!(
            reserve(Some(&locked), t(2)),
            Reservation::Locked { .. }
        ));
    }

    #[test]
    fn at_most_five_attempts_are_checked_however_many_arrive_at_once() {
        // Ten attempts reserved before any of them finished hashing.
        let mut state: Option<Throttle> = None;
        let (mut checked, mut busy) = (0, 0);
        for _ in 0..10 {
            match reserve(state.as_ref(), t(0)) {
                Reservation::Check { state: s } => {
                    checked += 1;
                    state = Some(s);
                }
                Reservation::Busy { retry_after_secs } => {
                    assert_eq!(retry_after_secs, BUSY_RETRY_SECS);
                    busy += 1;
                }
                Reservation::Locked { .. } => panic!("locked before any failure"),
            }
        }
        assert_eq!((checked, busy), (MAX_FAILURES, 5));
        // The five checked all fail: the last failure locks.
        let mut state = state.unwrap();
        for _ in 0..MAX_FAILURES {
            if let Some(lock) = after_failure(Some(&state), t(0)) {
                state = lock;
            }
        }
        assert!(locked_for(Some(&state), t(0)).is_some());
        assert!(matches!(
            reserve(Some(&state), t(0)),
            Reservation::Locked { .. }
        ));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let old = Throttle {
            failures: 4,
            locked_until: None,
            updated_at: t(0),
        };
        match reserve(Some(&old), t(30)) {
            Reservation::Check { state } => assert_eq!(state.failures, 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_failure_after_a_lock_expired_starts_over() {
        let expired = Throttle {
            failures: 0,
            locked_until: Some(t(10)),
            updated_at: t(0),
        };
        let s = fail(Some(expired), t(10)).unwrap();
        assert_eq!(s.failures, 1);
        assert!(s.locked_until.is_none());
    }
}
