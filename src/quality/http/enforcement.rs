//! Enforcement of the seven major violations, as JSON or CSV.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::StatFormat;
use super::turnaround::f;
use crate::auth::Supervisor;
use crate::error::{ApiResult, Problem};
use crate::quality::report::csv_of;
use crate::quality::reports::{EnforcementReport, enforcement_of};
use crate::state::AppState;

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
