//! The lockout rule: five failed sign-ins within the window lock the badge
//! for ten minutes.

use chrono::{Duration, NaiveDateTime};

pub const MAX_FAILURES: i32 = 5;
pub const LOCK_MINUTES: i64 = 10;

/// The throttle state of one badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// Seconds left on a lock, if the badge is locked at `now`.
pub fn locked_for(state: Option<&Throttle>, now: NaiveDateTime) -> Option<u64> {
    let until = state?.locked_until?;
    (until > now).then(|| (until - now).num_seconds().max(1) as u64)
}

/// The state after one more failure at `now`. Failures older than the lock
/// window are forgotten, so four typos last month and one today do not lock.
pub fn after_failure(state: Option<&Throttle>, now: NaiveDateTime) -> Throttle {
    let window = Duration::minutes(LOCK_MINUTES);
    let previous = state
        .filter(|s| now - s.updated_at < window && locked_for(Some(s), now).is_none())
        .map(|s| s.failures)
        .unwrap_or(0);
    let failures = previous + 1;
    if failures >= MAX_FAILURES {
        Throttle {
            failures: 0,
            locked_until: Some(now + window),
            updated_at: now,
        }
    } else {
        Throttle {
            failures,
            locked_until: None,
            updated_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + minute * 60, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn five_failures_lock_for_ten_minutes() {
        let mut state = None;
        for i in 0..4 {
            let s = after_failure(state.as_ref(), t(0));
            assert_eq!(s.failures, i + 1);
            assert!(s.locked_until.is_none());
            state = Some(s);
        }
        let locked = after_failure(state.as_ref(), t(1));
        assert_eq!(locked.locked_until, Some(t(11)));
        assert_eq!(locked_for(Some(&locked), t(2)), Some(540));
        assert_eq!(locked_for(Some(&locked), t(11)), None);
    }

    #[test]
    fn old_failures_are_forgotten() {
        let old = Throttle {
            failures: 4,
            locked_until: None,
            updated_at: t(0),
        };
        assert_eq!(after_failure(Some(&old), t(30)).failures, 1);
    }

    #[test]
    fn a_failure_after_a_lock_expired_starts_over() {
        let expired = Throttle {
            failures: 0,
            locked_until: Some(t(10)),
            updated_at: t(0),
        };
        let s = after_failure(Some(&expired), t(10));
        assert_eq!(s.failures, 1);
        assert!(s.locked_until.is_none());
    }
}
