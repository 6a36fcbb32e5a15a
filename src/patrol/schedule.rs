//! Patrol plan windows and judging visits against them. Plans are written in
//! Taiwan local time (Asia/Taipei, UTC+8 all year: no daylight saving since
//! 1979); everything stored is UTC.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// The timing part of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Bit 0 = Monday … bit 6 = Sunday.
    pub weekdays: i32,
    /// Minutes after local midnight; an end at or before the start means the
    /// window runs past midnight.
    pub window_start_min: i32,
    pub window_end_min: i32,
    pub grace_minutes: i32,
    /// UTC; windows that end before the plan existed are not expected.
    pub created_at: NaiveDateTime,
    /// UTC; windows starting after retirement are not expected.
    pub retired_at: Option<NaiveDateTime>,
}

/// One patrol window in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

pub use crate::domain::time::{from_taiwan as local_to_utc, to_taiwan as utc_to_local};

/// Parses "HH:MM" into minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<i32> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()?;
    Some((t.signed_duration_since(NaiveTime::MIN).num_minutes()) as i32)
}

pub fn format_hhmm(min: i32) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

pub fn weekday_bit(date: NaiveDate) -> i32 {
    1 << date.weekday().num_days_from_monday()
}

impl Schedule {
    /// The window that starts on local date `date`, if the plan runs then.
    pub fn window_on(&self, date: NaiveDate) -> Option<Window> {
        if date < self.starts_on || date > self.ends_on || self.weekdays & weekday_bit(date) == 0 {
            return None;
        }
        let midnight = date.and_time(NaiveTime::MIN);
        let start = midnight + Duration::minutes(self.window_start_min.into());
        let mut end = midnight + Duration::minutes(self.window_end_min.into());
        if end <= start {
            end += Duration::days(1);
        }
        let window = Window {
            start: local_to_utc(start),
            end: local_to_utc(end),
        };
        if window.end <= self.created_at {
            return None;
        }
        if let Some(retired) = self.retired_at
            && window.start >= retired
        {
            return None;
        }
        Some(window)
    }

    /// Every window starting on a local date in `from..=to`.
    pub fn windows(&self, from: NaiveDate, to: NaiveDate) -> Vec<Window> {
        let mut out = Vec::new();
        let mut date = from.max(self.starts_on);
        let last = to.min(self.ends_on);
        while date <= last {
            out.extend(self.window_on(date));
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        out
    }

    /// Whether a visit at `at` (UTC) falls in a window or its grace period.
    pub fn covers(&self, at: NaiveDateTime) -> bool {
        let local_date = utc_to_local(at).date();
        let grace = Duration::minutes(self.grace_minutes.into());
        [local_date.pred_opt(), Some(local_date)]
            .into_iter()
            .flatten()
            .filter_map(|d| self.window_on(d))
            .any(|w| w.start <= at && at <= w.end + grace)
    }
}

/// How the visits to one box by one officer fared in one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub expected: i64,
    pub on_time: i64,
    pub late: i64,
    pub missed: i64,
    pub flagged: i64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.expected += o.expected;
        self.on_time += o.on_time;
        self.late += o.late;
        self.missed += o.missed;
        self.flagged += o.flagged;
    }
}

impl Tally {
    /// Share of expected visits made, on time or late, in percent.
    pub fn coverage_pct(&self) -> f64 {
        if self.expected == 0 {
            return 100.0;
        }
        ((self.on_time + self.late) as f64 * 1000.0 / self.expected as f64).round() / 10.0
    }
}

/// A check-in as the judge sees it.
#[derive(Debug, Clone, Copy)]
pub struct Visit {
    pub at: NaiveDateTime,
    /// Accepted (not flagged) and of a kind that counts as a visit.
    pub valid: bool,
}

/// Judges `visits` (one officer at one box) against one window needing
/// `required` visits. Valid visits inside the window are on time, those in
/// the grace period after it late; flagged visits are counted apart and do
/// not cover the window until a supervisor clears them.
pub fn judge(window: Window, grace_minutes: i32, required: i32, visits: &[Visit]) -> Tally {
    let grace_end = window.end + Duration::minutes(grace_minutes.into());
    let required = i64::from(required.max(0));
    let (mut on_time, mut late, mut flagged) = (0i64, 0i64, 0i64);
    for v in visits
        .iter()
        .filter(|v| window.start <= v.at && v.at <= grace_end)
    {
        match (v.valid, v.at <= window.end) {
            (true, true) => on_time += 1,
            (true, false) => late += 1,
            (false, _) => flagged += 1,
        }
    }
    let on_time = on_time.min(required);
    let late = late.min(required - on_time);
    Tally {
        expected: required,
        on_time,
        late,
        missed: required - on_time - late,
        flagged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn weekdays_night() -> Schedule {
        Schedule {
            starts_on: d("2026-11-02"), // Monday
            ends_on: d("2026-11-08"),
            weekdays: 0b0011111,       // Mon–Fri
            window_start_min: 22 * 60, // 22:00 local
            window_end_min: 2 * 60,    // 02:00 local, next day
            grace_minutes: 15,
            created_at: utc("2026-11-01 00:00"),
            retired_at: None,
        }
    }

    #[test]
    fn hhmm() {
        assert_eq!(parse_hhmm("08:30"), Some(510));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(format_hhmm(510), "08:30");
    }

    #[test]
    fn windows_follow_weekdays_and_cross_midnight_in_utc() {
        let w = weekdays_night().windows(d("2026-11-01"), d("2026-11-30"));
        assert_eq!(w.len(), 5, "Mon–Fri of one week");
        // 22:00 Taipei on Monday is 14:00 UTC; ends 02:00 Tuesday = 18:00 UTC Monday.
        assert_eq!(w[0].start, utc("2026-11-02 14:00"));
        assert_eq!(w[0].end, utc("2026-11-02 18:00"));
    }

    #[test]
    fn retirement_and_creation_bound_the_windows() {
        let mut s = weekdays_night();
        s.created_at = utc("2026-11-03 20:00"); // after Tuesday's window ended
        s.retired_at = Some(utc("2026-11-05 00:00")); // before Thursday's starts
        let w = s.windows(d("2026-11-01"), d("2026-11-30"));
        assert_eq!(w.len(), 1, "only Wednesday: {w:?}");
        assert_eq!(w[0].start, utc("2026-11-04 14:00"));
    }

    #[test]
    fn covers_includes_grace_and_the_window_from_the_previous_day() {
        let s = weekdays_night();
        assert!(s.covers(utc("2026-11-02 17:59"))); // 01:59 local Tuesday, Monday's window
        assert!(s.covers(utc("2026-11-02 18:15"))); // end of grace
        assert!(!s.covers(utc("2026-11-02 18:16")));
        assert!(!s.covers(utc("2026-11-07 15:00"))); // Saturday night
    }

    #[test]
    fn judging_a_window() {
        let w = Window {
            start: utc("2026-11-02 14:00"),
            end: utc("2026-11-02 18:00"),
        };
        let visit = |at: &str, valid| Visit { at: utc(at), valid };
        let visits = [
            visit("2026-11-02 13:59", true), // before the window
            visit("2026-11-02 15:00", true),
            visit("2026-11-02 16:00", false),
            visit("2026-11-02 18:10", true), // late, within grace
            visit("2026-11-02 18:30", true), // after grace
        ];
        assert_eq!(
            judge(w, 15, 2, &visits),
            Tally {
                expected: 2,
                on_time: 1,
                late: 1,
                missed: 0,
                flagged: 1
            }
        );
        assert_eq!(
            judge(w, 15, 3, &visits),
            Tally {
                expected: 3,
                on_time: 1,
                late: 1,
                missed: 1,
                flagged: 1
            }
        );
        let t = judge(w, 15, 1, &[]);
        assert_eq!((t.missed, t.coverage_pct()), (1, 0.0));
        // Extra on-time visits do not cover more than required.
        let many = [
            visit("2026-11-02 15:00", true),
            visit("2026-11-02 15:30", true),
        ];
        assert_eq!(judge(w, 0, 1, &many).on_time, 1);
    }
}
