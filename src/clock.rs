//! The time the service goes by. Real by default; tests set it to build
//! history through the API (a plan made a week ago, a scan from last night)
//! instead of rewriting rows. The application state holds one clock; all
//! database work runs inside it (`AppState::db`, `AppState::blocking`), so
//! [`now`] there is that clock's time, and the real time elsewhere (the
//! command line).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;

/// A settable clock. Clones share one setting.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Arc<Mutex<Option<NaiveDateTime>>>,
}

impl Clock {
    /// The real time.
    pub fn real() -> Self {
        Clock::default()
    }

    /// Now, in UTC, cut to whole microseconds (what both databases store).
    pub fn now(&self) -> NaiveDateTime {
        let fixed = *self
            .fixed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        truncate_micros(fixed.unwrap_or_else(|| chrono::Utc::now().naive_utc()))
    }

    /// Stops the clock at `t` (UTC) until [`Clock::resume`].
    pub fn set(&self, t: NaiveDateTime) {
        *self
            .fixed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(t);
    }

    /// Back to the real time.
    pub fn resume(&self) {
        *self
            .fixed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Runs `f` with this clock as the current one on this thread.
    pub fn scope<T>(&self, f: impl FnOnce() -> T) -> T {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        let result = f();
        CURRENT.with(|c| c.replace(previous));
        result
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Clock>> = const { RefCell::new(None) };
}

/// The current clock's time: the application's inside its database work,
/// the real time otherwise.
pub fn now() -> NaiveDateTime {
    CURRENT
        .with(|c| c.borrow().as_ref().map(Clock::now))
        .unwrap_or_else(|| truncate_micros(chrono::Utc::now().naive_utc()))
}

pub fn truncate_micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.with_nanosecond(micros).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_is_now_within_its_scope_only() {
        let clock = Clock::real();
        let then = chrono::DateTime::from_timestamp(1_700_000_000, 0)
            .unwrap()
            .naive_utc();
        clock.set(then);
        assert_eq!(clock.scope(now), then);
        assert_ne!(now(), then);
        clock.resume();
        assert_ne!(clock.scope(now), then);
    }
}
