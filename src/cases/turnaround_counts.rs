//! Cases ticketed, counted as they are ticketed (`turnaround_counts`): by
//! Taiwan month of issue, unit, source and vendor, with the whole Taiwan
//! days from the violation and from intake to the issue. A year of a city
//! is close to a million cases; the turnaround's medians and shares are
//! read from these counts, a few dozen rows per unit and month.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::db::DbConn;
use crate::db::schema::{turnaround_counts, units};
use crate::domain::time::{month_key, taiwan_date};
use crate::domain::{UnitId, VendorId};
use crate::tickets::catalog::TicketKind;

/// What a count's days run from, to the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    FromViolation,
    FromIntake,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::FromViolation => "violation",
            Measure::FromIntake => "intake",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "violation" => Some(Measure::FromViolation),
            "intake" => Some(Measure::FromIntake),
            _ => None,
        }
    }
}

/// Whole Taiwan calendar days from `from` to `to`: a case ticketed on the
/// day of its violation took 0 days, the next day 1 — days as a clerk
/// counts them, and as the Art. 90 deadline is counted.
pub fn days_between(from: NaiveDateTime, to: NaiveDateTime) -> i32 {
    let days = (taiwan_date(to) - taiwan_date(from)).num_days();
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

/// One case as it is ticketed.
#[derive(Debug, Clone, Queryable)]
pub struct Ticketed {
    pub unit_id: UnitId,
    pub source: TicketKind,
    pub vendor: Option<VendorId>,
    pub violation_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub issued_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Insertable)]
#[diesel(table_name = turnaround_counts, treat_none_as_default_value = false)]
struct CountKey {
    month: String,
    unit_id: UnitId,
    source: TicketKind,
    vendor_id: i64,
    measure: &'static str,
    days: i32,
}

#[derive(Insertable)]
#[diesel(table_name = turnaround_counts, treat_none_as_default_value = false)]
struct CountRow {
    #[diesel(embed)]
    key: CountKey,
    n: i64,
}

/// Counts `cases` as ticketed, in the caller's transaction.
pub fn add(conn: &mut DbConn, cases: &[Ticketed]) -> QueryResult<()> {
    let mut counts: HashMap<CountKey, i64> = HashMap::new();
    for case in cases {
        for (measure, from) in [
            (Measure::FromViolation, case.violation_at),
            (Measure::FromIntake, case.received_at),
        ] {
            let key = CountKey {
                month: month_key(taiwan_date(case.issued_at)),
                unit_id: case.unit_id,
                source: case.source,
                vendor_id: case.vendor.map_or(0, |v| v.0),
                measure: measure.as_str(),
                days: days_between(from, case.issued_at),
            };
            *counts.entry(key).or_default() += 1;
        }
    }
    let rows: Vec<_> = counts
        .into_iter()
        .map(|(key, n)| CountRow { key, n })
        .collect();
    // Seven values a row: 500 rows stay under SQLite's bind limit.
    for chunk in rows.chunks(500) {
        crate::each_backend!(conn, |c| diesel::insert_into(turnaround_counts::table)
            .values(chunk)
            .on_conflict((
                turnaround_counts::month,
                turnaround_counts::unit_id,
                turnaround_counts::source,
                turnaround_counts::vendor_id,
                turnaround_counts::measure,
                turnaround_counts::days,
            ))
            .do_update()
            .set(turnaround_counts::n.eq(turnaround_counts::n + excluded(turnaround_counts::n)))
            .execute(c))?;
    }
    Ok(())
}

/// How many cases of one source and vendor took `days` by `measure`.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCount {
    pub source: TicketKind,
    pub vendor: Option<VendorId>,
    pub measure: Measure,
    pub days: i32,
    pub n: i64,
}

/// The counts of cases ticketed in Taiwan months `from..=to` (`YYYY-MM`)
/// in units within `path`.
pub fn read(
    conn: &mut DbConn,
    path: Option<&str>,
    from: &str,
    to: &str,
) -> QueryResult<Vec<DayCount>> {
    let mut q = turnaround_counts::table
        .filter(turnaround_counts::month.ge(from))
        .filter(turnaround_counts::month.le(to))
        .select((
            turnaround_counts::source,
            turnaround_counts::vendor_id,
            turnaround_counts::measure,
            turnaround_counts::days,
            turnaround_counts::n,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(
            turnaround_counts::unit_id.eq_any(
                units::table
                    .filter(units::path.like(format!("{p}%")))
                    .select(units::id),
            ),
        );
    }
    let rows: Vec<(TicketKind, i64, String, i32, i64)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(source, vendor, measure, days, n)| {
            Some(DayCount {
                source,
                vendor: (vendor != 0).then_some(VendorId(vendor)),
                measure: Measure::parse(&measure)?,
                days,
                n,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap()
    }

    #[test]
    fn days_are_taiwan_calendar_days() {
        // 15:30 UTC is 23:30 in Taiwan; 16:30 UTC is already the next day.
        assert_eq!(days_between(at(1, 15, 30), at(1, 15, 59)), 0);
        assert_eq!(days_between(at(1, 15, 30), at(1, 16, 30)), 1);
        // 00:10 to 23:50 of one Taiwan day is still that day.
        assert_eq!(days_between(at(1, 16, 10), at(2, 15, 50)), 0);
        assert_eq!(days_between(at(1, 2, 0), at(15, 2, 0)), 14);
        assert_eq!(days_between(at(15, 2, 0), at(1, 2, 0)), -14);
    }
}
