//! The ticket error rate (舉發單錯誤率) as a plain function over facts:
//! tickets with an error ÷ tickets issued, by issue month, unit, source,
//! vendor, keyer, officer or error type, against the 0.1% target.
//!
//! An error is a ticket (a number) corrected or voided after issue because
//! it was wrong, or rejected by the motor vehicles office. A month is provisional while its tickets may still show
//! errors: corrections and voids come within the response period (45 days
//! for mailed tickets), so a month is final 90 days after it ends.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{UnitId, UserId, VendorId};
use crate::tickets::catalog::TicketKind;

/// The department's target: at most one ticket in a thousand wrong.
pub const TARGET: f64 = 0.001;

/// Days after a month's end until its error rate is final.
pub const PROVISIONAL_DAYS: i64 = 90;

/// Issued tickets (first versions) alike in every dimension, as the
/// statistics see them: `count` of them.
#[derive(Debug, Clone)]
pub struct TicketFact {
    pub count: i64,
    /// Taiwan month of issue, `YYYY-MM`.
    pub month: String,
    pub unit: UnitId,
    pub source: TicketKind,
    pub officer: UserId,
    pub vendor: Option<VendorId>,
    pub keyer: Option<UserId>,
    /// The first error found in it, if any (a correction's error type,
    /// `voided` or `rejected`).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Month,
    Unit,
    Source,
    Vendor,
    Keyer,
    Officer,
    ErrorType,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RateLine {
    /// The month, unit id, source, vendor id, keyer or officer id, or error type.
    pub key: String,
    pub issued: i64,
    pub with_error: i64,
    /// with_error ÷ issued (for error types: ÷ every ticket issued).
    pub rate: f64,
    pub meets_target: bool,
    /// Still open to errors, not final: the month, or for other lines any
    /// month of the period.
    pub provisional: bool,
}

fn key_of(f: &TicketFact, dim: Dimension) -> Option<String> {
    match dim {
        Dimension::Month => Some(f.month.clone()),
        Dimension::Unit => Some(f.unit.to_string()),
        Dimension::Source => Some(f.source.as_str().to_owned()),
        Dimension::Vendor => Some(f.vendor.map_or("police".into(), |v| v.to_string())),
        Dimension::Keyer => f.keyer.map(|k| k.to_string()),
        Dimension::Officer => Some(f.officer.to_string()),
        Dimension::ErrorType => f.error.clone(),
    }
}

/// Tickets issued, and of them with an error.
pub fn issued(facts: &[TicketFact]) -> i64 {
    facts.iter().map(|f| f.count).sum()
}

pub fn with_error(facts: &[TicketFact]) -> i64 {
    facts
        .iter()
        .filter(|f| f.error.is_some())
        .map(|f| f.count)
        .sum()
}

/// Whether the month `YYYY-MM` is still provisional on `today`.
pub fn provisional(month: &str, today: NaiveDate) -> bool {
    let Some(first) = crate::domain::time::parse_month(month) else {
        return true;
    };
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    (today - next).num_days() < PROVISIONAL_DAYS
}

/// The error rate by `dim`: months in order, everything else worst first.
pub fn rates(facts: &[TicketFact], dim: Dimension, today: NaiveDate) -> Vec<RateLine> {
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for f in facts {
        let Some(key) = key_of(f, dim) else {
            continue;
        };
        let g = groups.entry(key).or_default();
        g.0 += f.count;
        if f.error.is_some() {
            g.1 += f.count;
        }
    }
    let total = issued(facts);
    // A line over a period with an open month is itself provisional.
    let months: std::collections::BTreeSet<&str> = facts.iter().map(|f| f.month.as_str()).collect();
    let period_open = months.iter().any(|m| provisional(m, today));
    let mut lines: Vec<RateLine> = groups
        .into_iter()
        .map(|(key, (issued, with_error))| {
            // An error type's share is of every ticket issued.
            let (issued, denominator) = if dim == Dimension::ErrorType {
                (total, total)
            } else {
                (issued, issued)
            };
            let rate = if denominator == 0 {
                0.0
            } else {
                with_error as f64 / denominator as f64
            };
            RateLine {
                provisional: if dim == Dimension::Month {
                    provisional(&key, today)
                } else {
                    period_open
                },
                key,
                issued,
                with_error,
                rate,
                meets_target: rate <= TARGET,
            }
        })
        .collect();
    if dim != Dimension::Month {
        lines.sort_by(|a, b| b.rate.total_cmp(&a.rate).then_with(|| a.key.cmp(&b.key)));
    }
    lines
}

/// The Taiwan month `YYYY-MM` of a Taiwan date.
pub use crate::domain::time::month_key as month_of;

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(month: &str, unit: i64, source: TicketKind, error: Option<&str>) -> TicketFact {
        TicketFact {
            count: 1,
            month: month.into(),
            unit: UnitId(unit),
            source,
            officer: UserId(1),
            vendor: None,
            keyer: None,
            error: error.map(str::to_owned),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_rate_is_tickets_with_an_error_over_tickets_issued() {
        let mut facts: Vec<TicketFact> = (0..999)
            .map(|_| fact("2026-01", 5, TicketKind::Camera, None))
            .collect();
        facts.push(fact("2026-01", 5, TicketKind::Camera, Some("plate")));
        facts.push(fact("2026-02", 6, TicketKind::OnTheSpot, Some("voided")));
        let by_month = rates(&facts, Dimension::Month, d("2026-12-01"));
        assert_eq!(by_month.len(), 2);
        assert_eq!((by_month[0].issued, by_month[0].with_error), (1000, 1));
        assert!(by_month[0].meets_target, "1 in 1000 is within 0.1%");
        assert!(!by_month[1].meets_target);
        // Worst unit first.
        let by_unit = rates(&facts, Dimension::Unit, d("2026-12-01"));
        assert_eq!(by_unit[0].key, "6");
        assert_eq!(by_unit[0].rate, 1.0);
        // Error types: a share of every ticket.
        let by_type = rates(&facts, Dimension::ErrorType, d("2026-12-01"));
        assert_eq!(by_type.len(), 2);
        assert!(
            by_type
                .iter()
                .all(|l| l.issued == 1001 && l.with_error == 1)
        );
    }

    #[test]
    fn a_month_is_provisional_for_ninety_days_after_it_ends() {
        assert!(provisional("2026-11", d("2026-11-15")));
        assert!(provisional("2026-11", d("2027-02-27")));
        assert!(!provisional("2026-11", d("2027-03-01")));
        assert!(!provisional("2026-01", d("2026-12-01")));
    }
}
