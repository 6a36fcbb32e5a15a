//! The legal gates a case passes, as plain functions over the rules in
//! force (catalog data with effective dates):
//!
//! - nothing is ticketed past the Article 90 period, counted in whole
//!   Taiwan days the way that ends it earlier (`domain::time`);
//! - a citizen report must come in within the Article 7-1 window;
//! - citizens may report only what the §7-1 list of the violation day has;
//! - a second ticket for the same vehicle and provision is lawful only as
//!   the Act words it: §7-1 III for citizen reports (six minutes *and* no
//!   intersection passed), §85-1 II for camera cases (speeding and §33: six
//!   km, six minutes or an intersection, tunnels excepted; parking: every
//!   two hours). The system cannot see intersections or tunnels, so a
//!   repeat it cannot decide is held for the reviewer, who records what
//!   happened; it is never merged silently.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::status::CloseReason;
use crate::domain::time::taiwan_date;
use crate::tickets::catalog::{RepeatGroup, TicketKind};
use crate::tickets::validate;

/// What the gates need to know of a case.
#[derive(Debug, Clone)]
pub struct Intake<'a> {
    pub source: TicketKind,
    /// UTC.
    pub violation_at: NaiveDateTime,
    /// UTC; when the case reached the police.
    pub received_at: NaiveDateTime,
    /// The ticket kinds of the article the report names on the violation
    /// day (citizen_report among them when the §7-1 list has it), if it
    /// names one (`Some(&[])` when it names one not in force then).
    pub reported_article_kinds: Option<&'a [TicketKind]>,
}

/// The last Taiwan day on which the violation may still be ticketed
/// (Article 90), or `None` when the rules in force say nothing.
pub fn ticketing_deadline(
    violation_at: NaiveDateTime,
    rules: &HashMap<String, i32>,
) -> Option<NaiveDate> {
    validate::ticketing_deadline(taiwan_date(violation_at), None, rules)
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
        let last = validate::report_window_end(taiwan_date(intake.violation_at), rules);
        if last.is_none_or(|last| taiwan_date(intake.received_at) > last) {
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

/// Which limit on ticketing the same vehicle again applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatRule {
    /// §7-1 III: citizen reports of the same provision within `minutes`
    /// and without passing an intersection are one violation. Also held,
    /// by the same test, for camera cases the Act gives no rule for.
    SameAct { minutes: i32 },
    /// §85-1 II(1): speeding and §33 again only `km` apart, `minutes`
    /// apart or past an intersection; in a tunnel the limit does not apply.
    Speed { minutes: i32, km: i32 },
    /// §85-1 II(2): parking again only every `minutes`.
    Parking { minutes: i32 },
}

impl RepeatRule {
    /// How far apart in time two cases must be for the rule to let the
    /// second through without more.
    pub fn minutes(self) -> i32 {
        match self {
            RepeatRule::SameAct { minutes }
            | RepeatRule::Speed { minutes, .. }
            | RepeatRule::Parking { minutes } => minutes,
        }
    }

    /// The paragraph, as the reviewer is told.
    pub fn basis(self) -> &'static str {
        match self {
            RepeatRule::SameAct { .. } => "§7-1 III",
            RepeatRule::Speed { .. } => "§85-1 II(1)",
            RepeatRule::Parking { .. } => "§85-1 II(2)",
        }
    }
}

/// The rule in force for a case of this source and provision; `None` when
/// the rules in force have none.
pub fn repeat_rule(
    source: TicketKind,
    group: Option<RepeatGroup>,
    rules: &HashMap<String, i32>,
) -> Option<RepeatRule> {
    let get = |k: &str| rules.get(k).copied();
    match (source, group) {
        (TicketKind::Camera, Some(RepeatGroup::Speed)) => Some(RepeatRule::Speed {
            minutes: get("camera_speed_repeat_minutes")?,
            km: get("camera_speed_repeat_km")?,
        }),
        (TicketKind::Camera, Some(RepeatGroup::Parking)) => Some(RepeatRule::Parking {
            minutes: get("camera_parking_repeat_minutes")?,
        }),
        _ => Some(RepeatRule::SameAct {
            minutes: get("citizen_repeat_minutes")?,
        }),
    }
}

/// What the reviewer records of a repeat the system cannot decide.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepeatFinding {
    /// Whether the vehicle passed an intersection between the two.
    pub intersection_passed: bool,
    /// Whether the later violation was in a tunnel (§85-1 II(1) proviso).
    #[serde(default)]
    pub in_tunnel: bool,
}

/// Whether a second ticket for the same vehicle and provision is lawful.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatVerdict {
    /// Far enough apart, or the finding says so.
    Lawful,
    /// One violation, or too soon: close it as a duplicate.
    Unlawful,
    /// Only the reviewer can tell: an intersection, a tunnel.
    NeedsFinding,
}

/// Judges a case `gap_minutes` after (or before) one already ticketed,
/// `distance_km` apart where both positions are known.
pub fn judge_repeat(
    rule: RepeatRule,
    gap_minutes: i64,
    distance_km: Option<f64>,
    finding: Option<&RepeatFinding>,
) -> RepeatVerdict {
    let gap = gap_minutes.abs();
    match rule {
        // "相隔未逾六分鐘": six minutes or less is within.
        RepeatRule::SameAct { minutes } => {
            if gap > i64::from(minutes) {
                RepeatVerdict::Lawful
            } else {
                match finding {
                    None => RepeatVerdict::NeedsFinding,
                    Some(f) if f.intersection_passed => RepeatVerdict::Lawful,
                    Some(_) => RepeatVerdict::Unlawful,
                }
            }
        }
        // "相隔六分鐘以上 / 相距六公里以上": six or more lets it through.
        RepeatRule::Speed { minutes, km } => {
            if gap >= i64::from(minutes) || distance_km.is_some_and(|d| d >= f64::from(km)) {
                RepeatVerdict::Lawful
            } else {
                match finding {
                    None => RepeatVerdict::NeedsFinding,
                    Some(f) if f.intersection_passed || f.in_tunnel => RepeatVerdict::Lawful,
                    Some(_) => RepeatVerdict::Unlawful,
                }
            }
        }
        // "每逾二小時": only once the two hours are past.
        RepeatRule::Parking { minutes } => {
            if gap > i64::from(minutes) {
                RepeatVerdict::Lawful
            } else {
                RepeatVerdict::Unlawful
            }
        }
    }
}

/// Great-circle distance in km between two WGS84 positions.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Days left until the deadline, counted from `today` (0: the last day).
pub fn days_left(deadline: NaiveDate, today: NaiveDate) -> i64 {
    (deadline - today).num_days()
}

#[cfg(test)]
mod tests;
