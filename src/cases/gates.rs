//! The legal gates a case passes before anyone keys it, as plain functions
//! over the rules in force (catalog data with effective dates):
//!
//! - nothing is ticketed past the Article 90 period, counted in whole
//!   Taiwan days (`domain::time`);
//! - a citizen report must come in within the Article 7-1 window;
//! - citizens may report only the articles the catalog opens to them;
//! - repeated reports of the same vehicle and violation within the merge
//!   window are one violation.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::status::CloseReason;
use crate::domain::time::{self, Period};
use crate::tickets::catalog::TicketKind;

/// Minutes within which repeated reports of the same vehicle and article
/// are one violation, when the catalog in force has no
/// `repeat_report_merge_minutes` rule (catalogs loaded before the rule
/// was added).
pub const DEFAULT_MERGE_MINUTES: i32 = 6;

/// What the gates need to know of a case.
#[derive(Debug, Clone)]
pub struct Intake<'a> {
    pub source: TicketKind,
    /// UTC.
    pub violation_at: NaiveDateTime,
    /// UTC; when the case reached the police.
    pub received_at: NaiveDateTime,
    /// The ticket kinds of the article the report names, if it names one
    /// in force on the violation day (`Some(&[])` when it names an article
    /// not in force then).
    pub reported_article_kinds: Option<&'a [TicketKind]>,
}

/// The last Taiwan day on which the violation may still be ticketed
/// (Article 90), or `None` when the rules in force say nothing.
pub fn ticketing_deadline(
    violation_at: NaiveDateTime,
    rules: &HashMap<String, i32>,
) -> Option<NaiveDate> {
    let months = u32::try_from(*rules.get("ticketing_deadline_months")?).ok()?;
    time::last_day(time::taiwan_date(violation_at), Period::Months(months))
}

/// Why a case cannot become a ticket whatever is keyed, or `None` when it
/// may go on. Checked at intake and again before issue.
pub fn not_actionable(
    intake: &Intake<'_>,
    rules: &HashMap<String, i32>,
    today: NaiveDate,
) -> Option<CloseReason> {
    if ticketing_deadline(intake.violation_at, rules).is_none_or(|last| today > last) {
        return Some(CloseReason::OutOfTime);
    }
    if intake.source == TicketKind::CitizenReport {
        let window = rules
            .get("citizen_report_window_days")
            .and_then(|d| u32::try_from(*d).ok());
        let in_time = window.is_some_and(|days| {
            time::within(
                time::taiwan_date(intake.violation_at),
                Period::Days(days),
                time::taiwan_date(intake.received_at),
            )
        });
        if !in_time {
            return Some(CloseReason::ReportTooLate);
        }
        if let Some(kinds) = intake.reported_article_kinds
            && !kinds.contains(&TicketKind::CitizenReport)
        {
            return Some(CloseReason::NotReportable);
        }
    }
    None
}

/// The merge window in force, in minutes.
pub fn merge_minutes(rules: &HashMap<String, i32>) -> i32 {
    rules
        .get("repeat_report_merge_minutes")
        .copied()
        .unwrap_or(DEFAULT_MERGE_MINUTES)
}

/// Whether two violations of the same vehicle and article at these times
/// are one violation.
pub fn same_violation(a: NaiveDateTime, b: NaiveDateTime, merge_minutes: i32) -> bool {
    (a - b).num_seconds().abs() <= i64::from(merge_minutes) * 60
}

/// Days left until the deadline, counted from `today` (0: the last day).
pub fn days_left(deadline: NaiveDate, today: NaiveDate) -> i64 {
    (deadline - today).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> HashMap<String, i32> {
        [
            ("ticketing_deadline_months".to_owned(), 2),
            ("citizen_report_window_days".to_owned(), 7),
        ]
        .into_iter()
        .collect()
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn intake(source: TicketKind, violation: &str, received: &str) -> Intake<'static> {
        Intake {
            source,
            violation_at: utc(violation),
            received_at: utc(received),
            reported_article_kinds: None,
        }
    }

    #[test]
    fn article_90_counts_whole_taiwan_days() {
        // 2026-09-10 23:30 Taiwan is 15:30 UTC; the day is not counted, so
        // the two months run 09-11 … 11-10.
        let late_evening = utc("2026-09-10 15:30");
        assert_eq!(
            ticketing_deadline(late_evening, &rules()),
            Some(d("2026-11-10"))
        );
        let i = intake(TicketKind::Camera, "2026-09-10 15:30", "2026-09-11 01:00");
        assert_eq!(not_actionable(&i, &rules(), d("2026-11-10")), None);
        assert_eq!(
            not_actionable(&i, &rules(), d("2026-11-11")),
            Some(CloseReason::OutOfTime)
        );
        // 16:30 UTC is already the next Taiwan day: one day more.
        assert_eq!(
            ticketing_deadline(utc("2026-09-10 16:30"), &rules()),
            Some(d("2026-11-11"))
        );
    }

    #[test]
    fn no_deadline_rule_means_nothing_is_ticketed() {
        let i = intake(TicketKind::Camera, "2026-09-10 01:00", "2026-09-10 02:00");
        assert_eq!(
            not_actionable(&i, &HashMap::new(), d("2026-09-10")),
            Some(CloseReason::OutOfTime)
        );
    }

    #[test]
    fn citizen_reports_within_seven_days_of_articles_open_to_citizens() {
        // Violation on the 1st (Taiwan): the 2nd … 8th are the window.
        let ok = intake(
            TicketKind::CitizenReport,
            "2026-11-01 02:00",
            "2026-11-08 15:59",
        );
        assert_eq!(not_actionable(&ok, &rules(), d("2026-11-09")), None);
        let late = intake(
            TicketKind::CitizenReport,
            "2026-11-01 02:00",
            "2026-11-08 16:00",
        );
        assert_eq!(
            not_actionable(&late, &rules(), d("2026-11-09")),
            Some(CloseReason::ReportTooLate)
        );
        // A camera case has no reporting window.
        let camera = intake(TicketKind::Camera, "2026-11-01 02:00", "2026-11-20 02:00");
        assert_eq!(not_actionable(&camera, &rules(), d("2026-11-20")), None);

        let on_the_spot_only = [TicketKind::OnTheSpot];
        let mut drunk = ok.clone();
        drunk.reported_article_kinds = Some(&on_the_spot_only);
        assert_eq!(
            not_actionable(&drunk, &rules(), d("2026-11-09")),
            Some(CloseReason::NotReportable)
        );
        let open = [TicketKind::Camera, TicketKind::CitizenReport];
        let mut red_light = ok;
        red_light.reported_article_kinds = Some(&open);
        assert_eq!(not_actionable(&red_light, &rules(), d("2026-11-09")), None);
    }

    #[test]
    fn six_minutes_either_way_are_one_violation() {
        let a = utc("2026-11-01 02:00");
        assert!(same_violation(a, utc("2026-11-01 02:06"), 6));
        assert!(same_violation(utc("2026-11-01 02:06"), a, 6));
        assert!(!same_violation(a, utc("2026-11-01 02:07"), 6));
        assert_eq!(merge_minutes(&rules()), DEFAULT_MERGE_MINUTES);
        let mut amended = rules();
        amended.insert("repeat_report_merge_minutes".into(), 10);
        assert_eq!(merge_minutes(&amended), 10);
    }
}
