//! The coverage audit of a unit over a period.

use actix_web::{HttpResponse, get, web};

use crate::auth::Supervisor;
use crate::domain::UnitId;
use crate::error::{ApiResult, Problem};
use crate::patrol::coverage::{self, CoverageQuery, CoverageReport, ReportFormat};
use crate::patrol::documents;
use crate::patrol::plans::PeriodQuery;
use crate::state::AppState;

/// Coverage audit of a unit over a period (at most 93 days): per box and
/// per officer, expected, on time, late, missed, flagged; and every miss.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(CoverageQuery),
    responses(
        (status = 200, description = "The report", body = CoverageReport),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/coverage")]
pub async fn coverage_report(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<CoverageQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = q.format;
    coverage_as(state, caller, q, format).await
}

/// The coverage audit as CSV: one line per box and officer.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(CoverageQuery),
    responses(
        (status = 200, description = "The report, as CSV", content((String = "text/csv"))),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/coverage.csv")]
pub async fn coverage_csv(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<CoverageQuery>,
) -> ApiResult<HttpResponse> {
    coverage_as(state, caller, query.into_inner(), ReportFormat::Csv).await
}

/// The coverage audit as a printable PDF.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(CoverageQuery),
    responses(
        (status = 200, description = "The report, as PDF", content((Vec<u8> = "application/pdf"))),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/coverage.pdf")]
pub async fn coverage_pdf(
    state: web::Data<AppState>,
    caller: Supervisor,
    query: web::Query<CoverageQuery>,
) -> ApiResult<HttpResponse> {
    coverage_as(state, caller, query.into_inner(), ReportFormat::Pdf).await
}

async fn coverage_as(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    q: CoverageQuery,
    format: ReportFormat,
) -> ApiResult<HttpResponse> {
    let period = PeriodQuery {
        from: q.from,
        to: q.to,
    };
    let unit = UnitId(q.unit_id);
    let report = state
        .db(move |c| coverage::report(c, &caller.actor, unit, &period))
        .await?;
    Ok(match format {
        ReportFormat::Json => HttpResponse::Ok().json(report),
        ReportFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!(
                    "attachment; filename=\"coverage-{}-{}-{}.csv\"",
                    report.unit.code, report.from, report.to
                ),
            ))
            .body(coverage::to_csv(&report)?),
        ReportFormat::Pdf => {
            let name = format!(
                "coverage-{}-{}-{}.pdf",
                report.unit.code, report.from, report.to
            );
            let pdf = state
                .blocking(move |_| documents::coverage_pdf(&report))
                .await?;
            HttpResponse::Ok()
                .content_type("application/pdf")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(pdf)
        }
    })
}
