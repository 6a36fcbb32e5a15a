//! Enforcement of the seven major violations (七大違規): tickets issued
//! per year, per violation and unit, against the previous year and the
//! department's target of one per cent more each year.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::UnitId;

/// The yearly target: one per cent more than the year before.
pub const GROWTH_TARGET: f64 = 0.01;

/// `count` tickets of a major violation in one year and unit.
#[derive(Debug, Clone)]
pub struct MajorTicket {
    pub count: i64,
    pub year: i32,
    pub unit: UnitId,
    pub major: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EnforcementLine {
    /// The violation, e.g. `red_light`, or a unit id, or `all`.
    pub key: String,
    pub this_year: i64,
    pub previous_year: i64,
    /// The previous year plus one per cent.
    pub target: f64,
    pub meets_target: bool,
    /// Change against the previous year (absent without one).
    pub change: Option<f64>,
}

/// All seven together.
pub fn total_line(this_year: i64, previous_year: i64) -> EnforcementLine {
    line("all".into(), this_year, previous_year)
}

fn line(key: String, this_year: i64, previous_year: i64) -> EnforcementLine {
    let target = previous_year as f64 * (1.0 + GROWTH_TARGET);
    EnforcementLine {
        key,
        this_year,
        previous_year,
        target,
        meets_target: this_year as f64 >= target,
        change: (previous_year > 0)
            .then(|| (this_year - previous_year) as f64 / previous_year as f64),
    }
}

/// Per major violation (all seven, in catalog order, even at zero), then
/// per unit, for `year` against the year before.
pub fn report(
    tickets: &[MajorTicket],
    year: i32,
    majors: &[&str],
) -> (Vec<EnforcementLine>, Vec<EnforcementLine>) {
    let mut by_major: BTreeMap<&str, (i64, i64)> = majors.iter().map(|m| (*m, (0, 0))).collect();
    let mut by_unit: BTreeMap<UnitId, (i64, i64)> = BTreeMap::new();
    for t in tickets {
        let slot = |c: &mut (i64, i64)| {
            if t.year == year {
                c.0 += t.count;
            } else if t.year == year - 1 {
                c.1 += t.count;
            }
        };
        if let Some(c) = by_major.get_mut(t.major.as_str()) {
            slot(c);
        }
        slot(by_unit.entry(t.unit).or_default());
    }
    let majors_out = majors
        .iter()
        .map(|m| {
            let (a, b) = by_major.get(m).copied().unwrap_or_default();
            line((*m).to_owned(), a, b)
        })
        .collect();
    let units_out = by_unit
        .into_iter()
        .map(|(u, (a, b))| line(u.to_string(), a, b))
        .collect();
    (majors_out, units_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn against_last_year_plus_one_per_cent() {
        let t = |year, major: &str| MajorTicket {
            count: 1,
            year,
            unit: UnitId(3),
            major: major.into(),
        };
        let mut tickets: Vec<MajorTicket> = (0..100).map(|_| t(2025, "red_light")).collect();
        tickets.extend((0..101).map(|_| t(2026, "red_light")));
        tickets.extend((0..5).map(|_| t(2026, "drunk_driving")));
        let (majors, units) = report(&tickets, 2026, &["drunk_driving", "red_light", "wrong_way"]);
        assert_eq!(majors[1].this_year, 101);
        assert_eq!(majors[1].target, 101.0);
        assert!(majors[1].meets_target);
        assert_eq!(majors[1].change, Some(0.01));
        assert_eq!(majors[0].change, None);
        assert!(majors[2].meets_target, "0 ≥ 0");
        assert_eq!(units[0].this_year, 106);
        assert_eq!(units[0].previous_year, 100);
    }
}
