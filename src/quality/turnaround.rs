//! Turnaround of camera cases and citizen reports: days from the violation
//! and from intake to the issued ticket, per source and vendor — median,
//! 90th percentile, share within 14 days — against the old baselines
//! (about 3 weeks for camera cases, 2 months for citizen reports).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::VendorId;
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

/// One ticketed case.
#[derive(Debug, Clone)]
pub struct Turnaround {
    pub source: TicketKind,
    pub vendor: Option<VendorId>,
    /// Days from the violation to the issue.
    pub from_violation: f64,
    /// Days from intake to the issue.
    pub from_intake: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TurnaroundDimension {
    Source,
    Vendor,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Spread {
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

/// The `q` quantile (0–1) of sorted values, by the nearest-rank method.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted
        .get(rank.min(sorted.len()) - 1)
        .copied()
        .unwrap_or_default()
}

fn spread(mut days: Vec<f64>) -> Spread {
    days.sort_by(f64::total_cmp);
    let within = days.iter().filter(|d| **d <= TARGET_DAYS).count();
    Spread {
        median_days: quantile(&days, 0.5),
        p90_days: quantile(&days, 0.9),
        within_target: if days.is_empty() {
            0.0
        } else {
            within as f64 / days.len() as f64
        },
    }
}

pub fn lines(cases: &[Turnaround], dim: TurnaroundDimension) -> Vec<TurnaroundLine> {
    let mut groups: BTreeMap<String, (Option<TicketKind>, Vec<&Turnaround>)> = BTreeMap::new();
    for t in cases {
        let (key, source) = match dim {
            TurnaroundDimension::Source => (t.source.as_str().to_owned(), Some(t.source)),
            TurnaroundDimension::Vendor => {
                (t.vendor.map_or("police".into(), |v| v.to_string()), None)
            }
        };
        groups.entry(key).or_insert((source, Vec::new())).1.push(t);
    }
    groups
        .into_iter()
        .map(|(key, (source, ts))| TurnaroundLine {
            key,
            tickets: ts.len() as i64,
            from_violation: spread(ts.iter().map(|t| t.from_violation).collect()),
            from_intake: spread(ts.iter().map(|t| t.from_intake).collect()),
            baseline_days: source.and_then(baseline_days),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(quantile(&v, 0.5), 5.0);
        assert_eq!(quantile(&v, 0.9), 9.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
        assert_eq!(quantile(&[3.0], 0.9), 3.0);
    }

    #[test]
    fn per_source_against_its_baseline() {
        let t = |source, days| Turnaround {
            source,
            vendor: None,
            from_violation: days + 1.0,
            from_intake: days,
        };
        let cases = [
            t(TicketKind::Camera, 3.0),
            t(TicketKind::Camera, 20.0),
            t(TicketKind::CitizenReport, 10.0),
        ];
        let l = lines(&cases, TurnaroundDimension::Source);
        assert_eq!(l[0].key, "camera");
        assert_eq!(l[0].baseline_days, Some(21.0));
        assert_eq!(l[0].from_intake.within_target, 0.5);
        assert_eq!(l[0].from_intake.median_days, 3.0);
        assert_eq!(l[0].from_violation.p90_days, 21.0);
        assert_eq!(l[1].baseline_days, Some(60.0));
        assert_eq!(lines(&cases, TurnaroundDimension::Vendor)[0].tickets, 3);
    }
}
