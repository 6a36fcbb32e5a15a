//! When: the violation time against the clock, Article 90's ticketing
//! period (with its proviso for crashes), §7-1's reporting window, and the
//! due date of 細則 §15. Periods are counted in whole Taiwan days, the way
//! that ends them earlier (`domain::time`).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{Facts, Verdict};
use crate::domain::time::{self, Period, roc_date};
use crate::tickets::catalog::TicketKind;
use crate::tickets::input::Recipient;

/// The last Taiwan day on which a violation may be ticketed (Art. 90):
/// two months from the violation day; for a crash with injury or death,
/// two months from the end of the expert appraisal it was sent for, or
/// three months when it was analysed without one. `None` when the rules in
/// force say nothing.
pub fn ticketing_deadline(
    violation_day: NaiveDate,
    crash: Option<crate::tickets::input::Crash>,
    rules: &HashMap<String, i32>,
) -> Option<NaiveDate> {
    let months = |key: &str| rules.get(key).and_then(|m| u32::try_from(*m).ok());
    match crash {
        None => time::last_day(
            violation_day,
            Period::Months(months("ticketing_deadline_months")?),
        ),
        Some(c) => match c.appraisal_concluded_on {
            Some(day) => time::last_day(
                day.max(violation_day),
                Period::Months(months("ticketing_deadline_months")?),
            ),
            None => time::last_day(
                violation_day,
                Period::Months(months("ticketing_deadline_months_crash")?),
            ),
        },
    }
}

/// The last day a citizen report of a violation on `violation_day` may
/// come in (§7-1), when the rules in force say.
pub fn report_window_end(
    violation_day: NaiveDate,
    rules: &HashMap<String, i32>,
) -> Option<NaiveDate> {
    let days = u32::try_from(*rules.get("citizen_report_window_days")?).ok()?;
    time::last_day(violation_day, Period::Days(days))
}

pub(super) fn violation_time(
    v: &mut Verdict,
    facts: &Facts<'_>,
    rules: &HashMap<String, i32>,
    now: NaiveDateTime,
) {
    let violation_day = time::taiwan_date(facts.violation_at);
    if facts.violation_at > now.checked_add_signed(Duration::minutes(5)).unwrap_or(now) {
        v.error(
            "violation_at",
            "in_future",
            "the violation time is in the future",
            "違規時間在未來",
        );
    }
    if let Some(c) = facts.crash
        && c.appraisal_concluded_on.is_some_and(|d| d < violation_day)
    {
        v.error(
            "crash.appraisal_concluded_on",
            "before_violation",
            "the appraisal cannot conclude before the crash",
            "鑑定終結日在違規之前",
        );
    }
    v.ticketing_deadline = ticketing_deadline(violation_day, facts.crash, rules);
    match v.ticketing_deadline {
        None => v.error(
            "violation_at",
            "no_rule",
            "no Article 90 period is in force for that day",
            "該日無施行中之舉發期限規則（第 90 條）",
        ),
        Some(last) if time::taiwan_date(now) > last => v.error(
            "violation_at",
            "past_deadline",
            format!("the period to ticket it ended with {last}: it can no longer be ticketed (Article 90)"),
            format!("舉發期限已於 {} 屆滿，不得再舉發（第 90 條）", roc_date(last)),
        ),
        Some(_) => {}
    }
    if facts.kind == TicketKind::CitizenReport {
        match (facts.reported_at, report_window_end(violation_day, rules)) {
            (None, _) => v.error(
                "reported_at",
                "required",
                "when did the report come in?",
                "請填檢舉收件時間",
            ),
            (Some(_), None) => v.error(
                "reported_at",
                "no_rule",
                "no §7-1 reporting window is in force for that day",
                "該日無施行中之檢舉期限規則（第 7 條之 1）",
            ),
            (Some(reported), Some(last)) if time::taiwan_date(reported) > last => v.error(
                "reported_at",
                "report_too_late",
                format!("reported after {last}, the last day of the window (Article 7-1)"),
                format!(
                    "檢舉期限已於 {} 屆滿，不予舉發（第 7 條之 1）",
                    roc_date(last)
                ),
            ),
            _ => {}
        }
    }
}

/// 應到案日期: 30 days from the day of issue, 45 for a notice issued
/// without stopping the driver, for a crash, and for a recipient who is not
/// the stopped driver (細則 §15 I), under the rule in force that day.
pub(super) fn due_date(
    v: &mut Verdict,
    facts: &Facts<'_>,
    rules: &HashMap<String, i32>,
    now: NaiveDateTime,
) {
    let extended = !facts.kind.driver_stopped()
        || facts.crash.is_some()
        || facts.recipient != Recipient::Driver;
    let key = if extended {
        "due_days_extended"
    } else {
        "due_days"
    };
    v.due_date = rules.get(key).and_then(|days| {
        time::taiwan_date(now).checked_add_signed(Duration::try_days(i64::from(*days))?)
    });
    if v.due_date.is_none() {
        v.error(
            "due_date",
            "no_rule",
            format!("no {key} rule is in force"),
            format!("沒有施行中的到案期限規則（{key}）"),
        );
    }
}
