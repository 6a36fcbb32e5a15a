//! Turnaround of camera cases and citizen reports: whole Taiwan days from
//! the violation and from intake to the issued ticket, as counted when each
//! was ticketed (`cases::turnaround_counts`), per source and vendor — median,
//! 90th percentile, share within 14 days — against the old baselines
//! (about 3 weeks for camera cases, 2 months for citizen reports).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::cases::turnaround_counts::{DayCount, Measure};
use crate::tickets::catalog::TicketKind;

/// The department's target: a case ticketed within two weeks.
pub const TARGET_DAYS: f64 = 14.0;

/// The turnaround before the outsourced workflow, in days.
pub fn baseline_days(source: TicketKind) -> Option<f64> {
    match source {
        TicketKind::Camera => Some(21.0),
        TicketKind::CitizenReport => Some(60.0),
        TicketKind::OnTheSpot => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TurnaroundDimension {
    Source,
    Vendor,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Spread {
    /// Whole Taiwan calendar days (0: ticketed the day it began).
    pub median_days: f64,
    pub p90_days: f64,
    /// Share issued within 14 days.
    pub within_target: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TurnaroundLine {
    pub key: String,
    pub tickets: i64,
    pub from_violation: Spread,
    pub from_intake: Spread,
    /// The old turnaround of this source, when the line is one source.
    pub baseline_days: Option<f64>,
}

/// The `q` quantile (0–1) of counted days, by the nearest-rank method:
/// the smallest day count at or under which `q` of the cases fall.
pub fn quantile(counted: &BTreeMap<i32, i64>, q: f64) -> f64 {
    let total: i64 = counted.values().sum();
    if total == 0 {
        return 0.0;
    }
    let rank = ((q * total as f64).ceil() as i64).clamp(1, total);
    let mut seen = 0;
    for (days, n) in counted {
        seen += n;
        if seen >= rank {
            return f64::from(*days);
        }
    }
    0.0
}

fn spread(counted: &BTreeMap<i32, i64>) -> Spread {
    let total: i64 = counted.values().sum();
    let within: i64 = counted.range(..=TARGET_DAYS as i32).map(|(_, n)| n).sum();
    Spread {
        median_days: quantile(counted, 0.5),
        p90_days: quantile(counted, 0.9),
        within_target: if total == 0 {
            0.0
        } else {
            within as f64 / total as f64
        },
    }
}

#[derive(Default)]
struct Group {
    source: Option<TicketKind>,
    from_violation: BTreeMap<i32, i64>,
    from_intake: BTreeMap<i32, i64>,
}

pub fn lines(counts: &[DayCount], dim: TurnaroundDimension) -> Vec<TurnaroundLine> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for c in counts {
        let (key, source) = match dim {
            TurnaroundDimension::Source => (c.source.as_str().to_owned(), Some(c.source)),
            TurnaroundDimension::Vendor => {
                (c.vendor.map_or("police".into(), |v| v.to_string()), None)
            }
        };
        let g = groups.entry(key).or_default();
        g.source = source;
        let counted = match c.measure {
            Measure::FromViolation => &mut g.from_violation,
            Measure::FromIntake => &mut g.from_intake,
        };
        *counted.entry(c.days).or_default() += c.n;
    }
    groups
        .into_iter()
        .map(|(key, g)| TurnaroundLine {
            key,
            tickets: g.from_violation.values().sum(),
            from_violation: spread(&g.from_violation),
            from_intake: spread(&g.from_intake),
            baseline_days: g.source.and_then(baseline_days),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(days: &[(i32, i64)]) -> BTreeMap<i32, i64> {
        days.iter().copied().collect()
    }

    #[test]
    fn nearest_rank_quantiles_of_counted_days() {
        let ten = counted(&(1..=10).map(|d| (d, 1)).collect::<Vec<_>>());
        assert_eq!(quantile(&ten, 0.5), 5.0);
        assert_eq!(quantile(&ten, 0.9), 9.0);
        assert_eq!(quantile(&BTreeMap::new(), 0.5), 0.0);
        assert_eq!(quantile(&counted(&[(3, 1)]), 0.9), 3.0);
        // Five cases of 2 days and five of 30: the median is the fifth.
        let split = counted(&[(2, 5), (30, 5)]);
        assert_eq!(quantile(&split, 0.5), 2.0);
        assert_eq!(quantile(&split, 0.51), 30.0);
    }

    #[test]
    fn per_source_against_its_baseline() {
        let c = |source, measure, days, n| DayCount {
            source,
            vendor: None,
            measure,
            days,
            n,
        };
        use Measure::*;
        let counts = [
            c(TicketKind::Camera, FromIntake, 3, 1),
            c(TicketKind::Camera, FromIntake, 20, 1),
            c(TicketKind::Camera, FromViolation, 4, 1),
            c(TicketKind::Camera, FromViolation, 21, 1),
            c(TicketKind::CitizenReport, FromIntake, 10, 1),
            c(TicketKind::CitizenReport, FromViolation, 14, 1),
        ];
        let l = lines(&counts, TurnaroundDimension::Source);
        assert_eq!(l[0].key, "camera");
        assert_eq!(l[0].tickets, 2);
        assert_eq!(l[0].baseline_days, Some(21.0));
        assert_eq!(l[0].from_intake.within_target, 0.5);
        assert_eq!(l[0].from_intake.median_days, 3.0);
        assert_eq!(l[0].from_violation.p90_days, 21.0);
        assert_eq!(l[1].baseline_days, Some(60.0));
        // Fourteen days is within the target.
        assert_eq!(l[1].from_violation.within_target, 1.0);
        let by_vendor = lines(&counts, TurnaroundDimension::Vendor);
        assert_eq!(
            (by_vendor[0].key.as_str(), by_vendor[0].tickets),
            ("police", 3)
        );
    }
}
