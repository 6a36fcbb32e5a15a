//! Enforcement of the seven major violations, as JSON or CSV.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::StatFormat;
use super::turnaround::f;
use crate::auth::Supervisor;
use crate::error::{ApiError, ApiResult, Problem};
use crate::quality::enforcement::{self, EnforcementLine};
use crate::quality::report::csv_of;
use crate::quality::store;
use crate::state::AppState;
use crate::tickets::catalog::MAJOR_VIOLATIONS;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnforcementQuery {
    /// The year (of the violations, Taiwan time), compared with the one before.
    #[param(example = 2026, minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Earlier clients' way to ask for CSV; the `.csv` operation is the
    /// documented one, with its own content type.
    #[serde(default)]
    #[param(ignore)]
    pub format: StatFormat,
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

/// Tickets of the seven major violations in a year (by violation date,
/// voided ones left out) within your reach, per violation and per unit,
/// against the year before and the +1% target.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(EnforcementQuery),
    responses(
        (status = 200, description = "The enforcement counts", body = EnforcementReport),
        (status = 422, description = "A year out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/enforcement")]
pub async fn enforcement_report(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<EnforcementQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = q.format;
    enforcement_as(state, caller, q, format).await
}

/// The same counts as CSV, one line per violation.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(EnforcementQuery),
    responses(
        (status = 200, description = "The enforcement counts, as CSV", content((String = "text/csv"))),
        (status = 422, description = "A year out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/enforcement.csv")]
pub async fn enforcement_csv(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<EnforcementQuery>,
) -> ApiResult<HttpResponse> {
    enforcement_as(state, caller, query.into_inner(), StatFormat::Csv).await
}

async fn enforcement_as(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    q: EnforcementQuery,
    format: StatFormat,
) -> ApiResult<HttpResponse> {
    let year = q.year;
    let report = state
        .db(move |c| enforcement_of(c, &caller.actor, year))
        .await?;
    Ok(match format {
        StatFormat::Json => HttpResponse::Ok().json(report),
        StatFormat::Csv => {
            let lines = std::iter::once(("total", &report.total))
                .chain(report.by_violation.iter().map(|l| ("violation", l)))
                .chain(report.by_unit.iter().map(|l| ("unit", l)));
            let rows = lines
                .map(|(section, l)| {
                    vec![
                        section.to_owned(),
                        l.key.clone(),
                        l.this_year.to_string(),
                        l.previous_year.to_string(),
                        f(l.target),
                        l.meets_target.to_string(),
                    ]
                })
                .collect();
            HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .body(csv_of(
                    &[
                        "section",
                        "key",
                        "this_year",
                        "previous_year",
                        "target",
                        "meets_target",
                    ],
                    rows,
                )?)
        }
    })
}
