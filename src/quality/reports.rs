//! The quality reports within an actor's reach, as the API and the console
//! both answer them: the error rate, the near misses, the turnaround and
//! the enforcement of the seven major violations, and the supervisor's
//! dashboard, which gathers the facts once for every figure it shows.

use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::turnaround_counts;
use crate::db::{DbConn, now};
use crate::domain::Actor;
use crate::domain::time::taiwan_date;
use crate::error::{ApiError, ApiResult};
use crate::quality::enforcement::{self, EnforcementLine};
use crate::quality::error_rate::{self, Dimension, RateLine, TARGET};
use crate::quality::near_miss::{self, CountLine, NearMissDimension};
use crate::quality::report::month_span;
use crate::quality::store;
use crate::quality::turnaround::{self, TARGET_DAYS, TurnaroundDimension, TurnaroundLine};
use crate::tickets::catalog::MAJOR_VIOLATIONS;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorRateReport {
    pub from: String,
    pub to: String,
    pub by: Dimension,
    /// 0.001: at most one ticket in a thousand wrong.
    pub target: f64,
    pub issued: i64,
    pub with_error: i64,
    pub rate: f64,
    pub meets_target: bool,
    pub lines: Vec<RateLine>,
}

/// The error rate over Taiwan months `from`–`to` within `actor`'s reach.
pub fn error_rate_of(
    conn: &mut DbConn,
    actor: &Actor,
    from: String,
    to: String,
    by: Dimension,
) -> ApiResult<ErrorRateReport> {
    let (start, end) = month_span(&from, &to)?;
    let facts = store::ticket_facts(conn, actor.unit_path.as_deref(), start, end)?;
    Ok(error_rate_from(&facts, from, to, by))
}

/// The error rate of facts already gathered for `from`–`to`, by `by`: one
/// gathering serves every dimension a page shows.
pub fn error_rate_from(
    facts: &[error_rate::TicketFact],
    from: String,
    to: String,
    by: Dimension,
) -> ErrorRateReport {
    let issued = error_rate::issued(facts);
    let with_error = error_rate::with_error(facts);
    let rate = if issued == 0 {
        0.0
    } else {
        with_error as f64 / issued as f64
    };
    ErrorRateReport {
        lines: error_rate::rates(facts, by, taiwan_date(now())),
        from,
        to,
        by,
        target: TARGET,
        issued,
        with_error,
        rate,
        meets_target: rate <= TARGET,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NearMissReport {
    pub from: String,
    pub to: String,
    pub by: NearMissDimension,
    pub total: i64,
    pub lines: Vec<CountLine>,
}

/// The near misses over Taiwan months `from`–`to` within `actor`'s reach.
pub fn near_misses_of(
    conn: &mut DbConn,
    actor: &Actor,
    from: String,
    to: String,
    by: NearMissDimension,
) -> ApiResult<NearMissReport> {
    let (start, end) = month_span(&from, &to)?;
    let misses = store::near_misses_in(conn, actor.unit_path.as_deref(), start, end)?;
    Ok(near_misses_from(&misses, from, to, by))
}

/// The near misses already gathered for `from`–`to`, counted by `by`.
pub fn near_misses_from(
    misses: &[store::NearMiss],
    from: String,
    to: String,
    by: NearMissDimension,
) -> NearMissReport {
    NearMissReport {
        total: misses.len() as i64,
        lines: near_miss::counts(misses, by),
        from,
        to,
        by,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnforcementReport {
    pub year: i32,
    /// 0.01: one per cent more than the year before.
    pub growth_target: f64,
    pub total: EnforcementLine,
    /// The seven major violations, each.
    pub by_violation: Vec<EnforcementLine>,
    /// Per unit (all seven together).
    pub by_unit: Vec<EnforcementLine>,
}

/// The seven major violations in `year` within `actor`'s reach, against
/// the year before.
pub fn enforcement_of(
    c: &mut crate::db::DbConn,
    actor: &crate::domain::Actor,
    year: i32,
) -> ApiResult<EnforcementReport> {
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::field("year", "out_of_range", "2000 to 2100"));
    }
    let tickets = store::major_tickets(
        c,
        actor.unit_path.as_deref(),
        &format!("{}-01", year - 1),
        &format!("{year}-12"),
    )?;
    let (by_violation, by_unit) = enforcement::report(&tickets, year, &MAJOR_VIOLATIONS);
    let this: i64 = by_violation.iter().map(|l| l.this_year).sum();
    let previous: i64 = by_violation.iter().map(|l| l.previous_year).sum();
    Ok(EnforcementReport {
        year,
        growth_target: enforcement::GROWTH_TARGET,
        total: enforcement::total_line(this, previous),
        by_violation,
        by_unit,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TurnaroundReport {
    pub from: String,
    pub to: String,
    pub by: TurnaroundDimension,
    /// 14: days within which a case should be ticketed.
    pub target_days: f64,
    pub lines: Vec<TurnaroundLine>,
}

/// The turnaround of tickets issued in Taiwan months `from`–`to` within
/// `actor`'s reach.
pub fn turnaround_of(
    c: &mut crate::db::DbConn,
    actor: &crate::domain::Actor,
    from: String,
    to: String,
    by: TurnaroundDimension,
) -> ApiResult<TurnaroundReport> {
    month_span(&from, &to)?;
    let counts = turnaround_counts::read(c, actor.unit_path.as_deref(), &from, &to)?;
    Ok(TurnaroundReport {
        lines: turnaround::lines(&counts, by),
        from,
        to,
        by,
        target_days: TARGET_DAYS,
    })
}

/// Every figure of the supervisor's quality page over Taiwan months
/// `from`–`to`, with the enforcement of `year`.
pub struct Dashboard {
    pub overall: ErrorRateReport,
    pub by_month: ErrorRateReport,
    pub by_unit: ErrorRateReport,
    pub by_type: ErrorRateReport,
    pub misses_by_unit: NearMissReport,
    pub misses_by_field: NearMissReport,
    pub turnaround: TurnaroundReport,
    pub enforcement: EnforcementReport,
}

/// The dashboard within `actor`'s reach: the tickets and near misses are
/// gathered once and counted by every dimension the page shows.
pub fn dashboard(
    conn: &mut DbConn,
    actor: &Actor,
    from: &str,
    to: &str,
    year: i32,
) -> ApiResult<Dashboard> {
    let (start, end) = month_span(from, to)?;
    let path = actor.unit_path.as_deref();
    let facts = store::ticket_facts(conn, path, start, end)?;
    let near = store::near_misses_in(conn, path, start, end)?;
    let rate = |by| error_rate_from(&facts, from.to_owned(), to.to_owned(), by);
    let misses = |by| near_misses_from(&near, from.to_owned(), to.to_owned(), by);
    Ok(Dashboard {
        overall: rate(Dimension::Source),
        by_month: rate(Dimension::Month),
        by_unit: rate(Dimension::Unit),
        by_type: rate(Dimension::ErrorType),
        misses_by_unit: misses(NearMissDimension::Unit),
        misses_by_field: misses(NearMissDimension::Field),
        turnaround: turnaround_of(
            conn,
            actor,
            from.to_owned(),
            to.to_owned(),
            TurnaroundDimension::Source,
        )?,
        enforcement: enforcement_of(conn, actor, year)?,
    })
}
