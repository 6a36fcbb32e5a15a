//! Quality statistics as JSON or CSV: the error rate and the near misses
//! here, the turnaround and the enforcement counts beside.

pub mod enforcement;
pub mod turnaround;

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Supervisor;
use crate::error::{ApiResult, Problem};
use crate::quality::error_rate::Dimension;
use crate::quality::near_miss::NearMissDimension;
use crate::quality::report::csv_of;
use crate::quality::reports::{ErrorRateReport, NearMissReport, error_rate_of, near_misses_of};
use crate::state::AppState;

pub use crate::report_format::StatFormat;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ErrorRateQuery {
    /// First Taiwan month of issue, `YYYY-MM`.
    #[param(example = "2026-01")]
    pub from: String,
    /// Last Taiwan month of issue, `YYYY-MM` (at most 36 months).
    #[param(example = "2026-12")]
    pub to: String,
    #[param(inline)]
    pub by: Dimension,
    /// Earlier clients' way to ask for CSV; the `.csv` operation is the
    /// documented one, with its own content type.
    #[serde(default)]
    #[param(ignore)]
    pub format: StatFormat,
}

/// The ticket error rate (tickets corrected or voided because they were
/// wrong ÷ tickets issued) over Taiwan months of issue within your reach,
/// by month (a trend; months are provisional for 90 days after they end),
/// unit, source, vendor, keyer, officer or error type (worst first).
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(ErrorRateQuery),
    responses(
        (status = 200, description = "The error rate", body = ErrorRateReport),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/error-rate")]
pub async fn error_rate_report(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<ErrorRateQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = q.format;
    error_rate_report_as(state, caller, q, format).await
}

/// The same report as CSV, one line per key.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(ErrorRateQuery),
    responses(
        (status = 200, description = "The error rate, as CSV", content((String = "text/csv"))),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/error-rate.csv")]
pub async fn error_rate_csv(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<ErrorRateQuery>,
) -> ApiResult<HttpResponse> {
    error_rate_report_as(state, caller, query.into_inner(), StatFormat::Csv).await
}

async fn error_rate_report_as(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    q: ErrorRateQuery,
    format: StatFormat,
) -> ApiResult<HttpResponse> {
    let report = state
        .db(move |conn| error_rate_of(conn, &caller.actor, q.from, q.to, q.by))
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
                        l.issued.to_string(),
                        l.with_error.to_string(),
                        format!("{:.6}", l.rate),
                        l.meets_target.to_string(),
                        l.provisional.to_string(),
                    ]
                })
                .collect();
            HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .body(csv_of(
                    &[
                        "key",
                        "issued",
                        "with_error",
                        "rate",
                        "meets_target",
                        "provisional",
                    ],
                    rows,
                )?)
        }
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NearMissQuery {
    #[param(example = "2026-01")]
    pub from: String,
    #[param(example = "2026-12")]
    pub to: String,
    #[param(inline)]
    pub by: NearMissDimension,
    /// Earlier clients' way to ask for CSV; the `.csv` operation is the
    /// documented one, with its own content type.
    #[serde(default)]
    #[param(ignore)]
    pub format: StatFormat,
}

/// Mistakes caught before issue (by validation, the registry check or a
/// verification) within your reach, by unit, vendor, keyer, what caught
/// them or field, most first.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(NearMissQuery),
    responses(
        (status = 200, description = "The near misses", body = NearMissReport),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/near-misses")]
pub async fn near_miss_report(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<NearMissQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = q.format;
    near_miss_report_as(state, caller, q, format).await
}

/// The same report as CSV, one line per key.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(NearMissQuery),
    responses(
        (status = 200, description = "The near misses, as CSV", content((String = "text/csv"))),
        (status = 422, description = "A bad period", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/near-misses.csv")]
pub async fn near_miss_csv(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<NearMissQuery>,
) -> ApiResult<HttpResponse> {
    near_miss_report_as(state, caller, query.into_inner(), StatFormat::Csv).await
}

async fn near_miss_report_as(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    q: NearMissQuery,
    format: StatFormat,
) -> ApiResult<HttpResponse> {
    let report = state
        .db(move |conn| near_misses_of(conn, &caller.actor, q.from, q.to, q.by))
        .await?;
    Ok(match format {
        StatFormat::Json => HttpResponse::Ok().json(report),
        StatFormat::Csv => {
            let rows = report
                .lines
                .iter()
                .map(|l| vec![l.key.clone(), l.count.to_string()])
                .collect();
            HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .body(csv_of(&["key", "count"], rows)?)
        }
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthlyQuery {
    /// The Taiwan month, `YYYY-MM`.
    #[param(example = "2026-11")]
    pub month: String,
}

/// The monthly quality report as a PDF for the units within your reach:
/// the error-rate trend against the 0.1% line, worst units, error types,
/// near misses, the turnaround distribution, the seven major violations
/// against +1%, the vendors' caps.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = ["supervisor", "admin"])),
    params(MonthlyQuery),
    responses(
        (status = 200, description = "The report", content((Vec<u8> = "application/pdf"))),
        (status = 422, description = "A bad month", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/quality/monthly-report")]
pub async fn monthly_report(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    query: web::Query<MonthlyQuery>,
) -> ApiResult<HttpResponse> {
    let month = query.into_inner().month;
    let name = format!("quality-{month}.pdf");
    let pdf = state
        .blocking(move |s| {
            crate::quality::monthly::report_pdf(&mut *s.conn()?, &caller.actor, &month)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(pdf))
}
