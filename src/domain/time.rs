//! Taiwan time and legal periods. Everything is stored in UTC; people and
//! the law read Taiwan time (Asia/Taipei, UTC+8 all year: no daylight
//! saving since 1979).
//!
//! Legal periods in days and months are counted as the Administrative
//! Procedure Act (行政程序法) §48 says: the day of the event is not counted
//! (§48 II), a period of months ends on the day before the corresponding
//! day of the last month, or on that month's last day when it has no
//! corresponding day (§48 III), and the period ends at the end of its last
//! day. So the hour of the event never matters: two violations on the same
//! Taiwan day always get the same verdict.
//!
//! §48 IV (a last day falling on a weekend or holiday moves to the next
//! working day) is not applied: it needs the official holiday calendar, and
//! §48 V excludes it for periods that bear on penalties to the people.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};

pub const TAIWAN_OFFSET_HOURS: i64 = 8;

/// UTC → Taiwan wall-clock time. Saturates at the calendar's ends, which
/// no real instant is near, instead of panicking.
pub fn to_taiwan(utc: NaiveDateTime) -> NaiveDateTime {
    utc.checked_add_signed(Duration::hours(TAIWAN_OFFSET_HOURS))
        .unwrap_or(NaiveDateTime::MAX)
}

/// Taiwan wall-clock time → UTC, saturating like [`to_taiwan`].
pub fn from_taiwan(local: NaiveDateTime) -> NaiveDateTime {
    local
        .checked_sub_signed(Duration::hours(TAIWAN_OFFSET_HOURS))
        .unwrap_or(NaiveDateTime::MIN)
}

/// The Taiwan calendar day of a UTC instant.
pub fn taiwan_date(utc: NaiveDateTime) -> NaiveDate {
    to_taiwan(utc).date()
}

/// A date as official notices print it: 民國115年11月27日 (the Republic
/// of China calendar counts years from 1912).
pub fn roc_date(day: NaiveDate) -> String {
    format!(
        "民國{}年{:02}月{:02}日",
        day.year() - 1911,
        day.month(),
        day.day()
    )
}

/// A UTC instant in Taiwan time as official notices print it:
/// 民國115年11月27日 14時05分.
pub fn roc_datetime(utc: NaiveDateTime) -> String {
    let local = to_taiwan(utc);
    format!(
        "{} {:02}時{:02}分",
        roc_date(local.date()),
        chrono::Timelike::hour(&local),
        chrono::Timelike::minute(&local)
    )
}

/// The month of a Taiwan date as the statistics and statements name it:
/// `YYYY-MM`.
pub fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The first day of a month named `YYYY-MM`; `None` for anything else.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    if s.len() != 7 {
        return None;
    }
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok()
}

/// A legal period, as a rule of the catalog states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    Months(u32),
}

/// The last day of a period that runs from the day of an event (§48: the
/// event's own day is not counted). `None` only past the calendar's end.
pub fn last_day(event_day: NaiveDate, period: Period) -> Option<NaiveDate> {
    let first = event_day.succ_opt()?;
    match period {
        Period::Days(n) => first.checked_add_signed(Duration::days(i64::from(n) - 1)),
        Period::Months(n) => {
            // chrono clamps a missing day to the month's end: that clamped
            // day is itself the last day (§48 III, proviso).
            let corresponding = first.checked_add_months(Months::new(n))?;
            if corresponding.day() != first.day() {
                Some(corresponding)
            } else {
                corresponding.pred_opt()
            }
        }
    }
}

/// Whether `day` is still within a period that began with an event on
/// `event_day`.
pub fn within(event_day: NaiveDate, period: Period, day: NaiveDate) -> bool {
    last_day(event_day, period).is_some_and(|last| day <= last)
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

    #[test]
    fn taiwan_days_begin_at_sixteen_utc() {
        assert_eq!(taiwan_date(utc("2026-11-19 15:59")), d("2026-11-19"));
        assert_eq!(taiwan_date(utc("2026-11-19 16:00")), d("2026-11-20"));
        assert_eq!(
            from_taiwan(to_taiwan(utc("2026-11-19 16:00"))),
            utc("2026-11-19 16:00")
        );
    }

    #[test]
    fn dates_print_in_the_roc_calendar_in_taiwan_time() {
        assert_eq!(
            roc_datetime(utc("2026-11-27 06:05")),
            "民國115年11月27日 14時05分"
        );
        // 23:30 UTC is already the next day in Taiwan.
        assert_eq!(
            roc_datetime(utc("2026-11-26 23:30")),
            "民國115年11月27日 07時30分"
        );
        assert_eq!(roc_date(d("2027-01-05")), "民國116年01月05日");
    }

    #[test]
    fn days_do_not_count_the_event_day() {
        // Seven days from a violation on the 20th: the 21st … the 27th.
        assert_eq!(
            last_day(d("2026-11-20"), Period::Days(7)),
            Some(d("2026-11-27"))
        );
        assert!(within(d("2026-11-20"), Period::Days(7), d("2026-11-27")));
        assert!(!within(d("2026-11-20"), Period::Days(7), d("2026-11-28")));
    }

    #[test]
    fn months_end_the_day_before_the_corresponding_day() {
        assert_eq!(
            last_day(d("2026-11-20"), Period::Months(2)),
            Some(d("2027-01-20"))
        );
        // The period starts on 12-31; February has no 31st: its last day ends it.
        assert_eq!(
            last_day(d("2026-12-30"), Period::Months(2)),
            Some(d("2027-02-28"))
        );
        assert_eq!(
            last_day(d("2027-12-30"), Period::Months(2)),
            Some(d("2028-02-29"))
        );
        // Starts 12-29; 2027 has no 02-29.
        assert_eq!(
            last_day(d("2026-12-28"), Period::Months(2)),
            Some(d("2027-02-28"))
        );
        // Starts on the 1st of a month: ends on the last day of the month before.
        assert_eq!(
            last_day(d("2026-10-31"), Period::Months(2)),
            Some(d("2026-12-31"))
        );
    }
}
