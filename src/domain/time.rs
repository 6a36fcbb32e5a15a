//! Taiwan time and legal periods. Everything is stored in UTC; people and
//! the law read Taiwan time (Asia/Taipei, UTC+8 all year: no daylight
//! saving since 1979).
//!
//! Legal periods in days and months are counted as the Administrative
//! Procedure Act (行政程序法) §48 says, and where its paragraphs disagree,
//! the way that can never let a ticket through on a day the law no longer
//! allows (`docs/legal-periods.md` has the texts and the reasoning):
//!
//! - §48 II: the day of the event is not counted; §48 III: a period of
//!   months ends the day before the corresponding day of the last month, or
//!   that month's last day when it has none.
//! - §48 V: for periods that bear on a penalty the first day is counted as
//!   a whole day whatever the hour, and a last day on a holiday is not
//!   moved — unless §48 II or IV is more favourable to the person.
//!
//! Both periods here (Article 90's ticketing period, §7-1's reporting
//! window) bear on a penalty, and for both the person is better off the
//! sooner they end; §48 V gives the earlier end, so [`last_day`] takes the
//! earlier of the two countings. The hour of the event never matters: two
//! violations on the same Taiwan day get the same verdict.

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

/// How the first day of a period is counted (行政程序法 §48).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// §48 II: the day of the event is not counted.
    StartDayExcluded,
    /// §48 V: a period bearing on a penalty counts its first day as a
    /// whole day.
    StartDayCounted,
}

/// The last day of a period from an event on `event_day`, counted one way.
/// `None` only past the calendar's end.
pub fn last_day_counting(
    event_day: NaiveDate,
    period: Period,
    counting: Counting,
) -> Option<NaiveDate> {
    let first = match counting {
        Counting::StartDayExcluded => event_day.succ_opt()?,
        Counting::StartDayCounted => event_day,
    };
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

/// The last day of a period bearing on a penalty: the earlier of the two
/// countings, never moved for a holiday (§48 V).
pub fn last_day(event_day: NaiveDate, period: Period) -> Option<NaiveDate> {
    let counted = last_day_counting(event_day, period, Counting::StartDayCounted)?;
    let excluded = last_day_counting(event_day, period, Counting::StartDayExcluded)?;
    Some(counted.min(excluded))
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
    fn the_two_countings_of_section_48() {
        use Counting::*;
        // §48 II: seven days from the 20th are the 21st … the 27th.
        assert_eq!(
            last_day_counting(d("2026-11-20"), Period::Days(7), StartDayExcluded),
            Some(d("2026-11-27"))
        );
        // §48 V: the 20th is the first of the seven: the 20th … the 26th.
        assert_eq!(
            last_day_counting(d("2026-11-20"), Period::Days(7), StartDayCounted),
            Some(d("2026-11-26"))
        );
        assert_eq!(
            last_day_counting(d("2026-11-20"), Period::Months(2), StartDayExcluded),
            Some(d("2027-01-20"))
        );
        assert_eq!(
            last_day_counting(d("2026-11-20"), Period::Months(2), StartDayCounted),
            Some(d("2027-01-19"))
        );
    }

    #[test]
    fn penalty_periods_end_on_the_earlier_day() {
        // Seven days (§7-1): a violation on the 20th may be reported up to
        // the 26th, never on the 27th.
        assert_eq!(
            last_day(d("2026-11-20"), Period::Days(7)),
            Some(d("2026-11-26"))
        );
        assert!(within(d("2026-11-20"), Period::Days(7), d("2026-11-26")));
        assert!(!within(d("2026-11-20"), Period::Days(7), d("2026-11-27")));
        // Two months (Art. 90) from 11-20: the last day is 01-19.
        assert_eq!(
            last_day(d("2026-11-20"), Period::Months(2)),
            Some(d("2027-01-19"))
        );
    }

    #[test]
    fn months_end_the_day_before_the_corresponding_day_or_at_a_short_months_end() {
        // From 12-31 (counted): February has no 31st: its last day ends it.
        assert_eq!(
            last_day(d("2026-12-31"), Period::Months(2)),
            Some(d("2027-02-28"))
        );
        assert_eq!(
            last_day(d("2027-12-31"), Period::Months(2)),
            Some(d("2028-02-29"))
        );
        // From 12-30 counted, 2027-02-30 does not exist (02-28); not counted,
        // from 12-31, the same: 02-28 either way.
        assert_eq!(
            last_day(d("2026-12-30"), Period::Months(2)),
            Some(d("2027-02-28"))
        );
        // From 11-30 counted: 01-29; not counted (from 12-01): 01-31. The
        // earlier wins.
        assert_eq!(
            last_day(d("2026-11-30"), Period::Months(2)),
            Some(d("2027-01-29"))
        );
        // A last day on a holiday is not moved: 2027-01-01 is 開國紀念日.
        assert_eq!(
            last_day(d("2026-11-02"), Period::Months(2)),
            Some(d("2027-01-01"))
        );
    }
}
