//! The turnaround of cases, as JSON or CSV.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::StatFormat;
use crate::auth::Supervisor;
use crate::error::{ApiResult, Problem};
use crate::quality::report::csv_of;
use crate::quality::reports::{TurnaroundReport, turnaround_of};
use crate::quality::turnaround::TurnaroundDimension;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TurnaroundQuery {
    /// First Taiwan month of issue, `YYYY-MM`.
    #[param(example = "2026-01")]
    pub from: String,
    #[param(example = "2026-12")]
    pub to: String,
    #[param(inline)]
    pub by: TurnaroundDimension,
    /// Earlier clients' way to ask for CSV; the `.csv` operation is the
    /// documented one, with its own content type.
    #[serde(default)]
    #[param(ignore)]
    pub format: StatFormat,
}

pub(super) fn f(v: f64) -> String {
    format!("{v:.2}")
}

/// Whole Taiwan calendar days from the violation and from intake to the
/// ticket of camera cases and citizen reports issued in a period (0: the
/// same day): median, 90th percentile, share within 14 days, against the
/// old baselines.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(TurnaroundQuery),
    responses(
        (status = 200, description = "The turnaround", body = TurnaroundReport),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/turnaround")]
pub async fn turnaround_report(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<TurnaroundQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = q.format;
    turnaround_report_as(state, caller, q, format).await
}

/// The same report as CSV, one line per key.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(TurnaroundQuery),
    responses(
        (status = 200, description = "The turnaround, as CSV", content((String = "text/csv"))),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/turnaround.csv")]
pub async fn turnaround_csv(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<TurnaroundQuery>,
) -> ApiResult<HttpResponse> {
    turnaround_report_as(state, caller, query.into_inner(), StatFormat::Csv).await
}

async fn turnaround_report_as(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    q: TurnaroundQuery,
    format: StatFormat,
) -> ApiResult<HttpResponse> {
    let report = state
        .db(move |c| turnaround_of(c, &caller.actor, q.from, q.to, q.by))
        .await?;
    Ok(match format {
        StatFormat::Json => HttpResponse::Ok().json(report),
        StatFormat::Csv => {
            let rows = report
                .lines
                .iter()
                .map(|l| {
                    vec![
                        l.key.clone(),
                        l.tickets.to_string(),
                        f(l.from_violation.median_days),
                        f(l.from_violation.p90_days),
                        f(l.from_violation.within_target),
                        f(l.from_intake.median_days),
                        f(l.from_intake.p90_days),
                        f(l.from_intake.within_target),
                        l.baseline_days.map(f).unwrap_or_default(),
                    ]
                })
                .collect();
            HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .body(csv_of(
                    &[
                        "key",
                        "tickets",
                        "violation_median_days",
                        "violation_p90_days",
                        "violation_within_14_days",
                        "intake_median_days",
                        "intake_p90_days",
                        "intake_within_14_days",
                        "baseline_days",
                    ],
                    rows,
                )?)
        }
    })
}
