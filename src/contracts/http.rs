//! Contract endpoints: add and list a vendor's contracts, its monthly
//! statement as JSON, CSV or PDF.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::statement::{self, Statement};
use super::{ContractView, CreateContract};
use crate::auth::{Caller, HqAdmin, Supervisor};
use crate::domain::VendorId;
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::report_format::{ReportFormat, StatFormat};
use crate::state::AppState;

/// Add a vendor contract (headquarters administrators): unit price (at
/// most NT$13), yearly caps on tickets and money, a period that overlaps
/// none of the vendor's others.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["admin"])),
    params(("id" = i64, Path, description = "Vendor id")),
    request_body = CreateContract,
    responses(
        (status = 201, description = "Added", body = ContractView),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`contract_overlaps`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/vendors/{id}/contracts")]
pub async fn create_contract(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    id: web::Path<VendorId>,
    body: JsonBody<CreateContract>,
) -> ApiResult<HttpResponse> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let c = state
        .db(move |conn| super::create(conn, &caller.actor, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(c))
}

/// A vendor's contracts, oldest first.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Vendor id")),
    responses((status = 200, description = "Contracts", body = Vec<ContractView>))
)]
#[get("/vendors/{id}/contracts")]
pub async fn list_contracts(
    state: web::Data<AppState>,
    Supervisor(_caller): Supervisor,
    id: web::Path<VendorId>,
) -> ApiResult<web::Json<Vec<ContractView>>> {
    let id = id.into_inner();
    let contracts = state.db(move |conn| super::of_vendor(conn, id)).await?;
    Ok(web::Json(contracts))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// Earlier clients' way to ask for CSV (`format=csv`) or the PDF
    /// (`pdf=true`); the `.csv` and `.pdf` operations are the documented
    /// ones, each with its content type.
    #[serde(default)]
    #[param(ignore)]
    pub format: StatFormat,
    #[param(ignore)]
    pub pdf: Option<bool>,
}

/// A vendor's statement for a Taiwan month: tickets billed, amount, the
/// contract year so far, what the caps leave, warnings at 80% and 95%.
/// Police supervisors and administrators, and the vendor's own staff.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(
        ("id" = i64, Path, description = "Vendor id"),
        ("month" = String, Path, description = "`YYYY-MM`"),
        StatementQuery,
    ),
    responses(
        (status = 200, description = "The statement", body = Statement),
        (status = 404, description = "No such vendor within your reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad month", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vendors/{id}/statements/{month}")]
pub async fn vendor_statement(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(VendorId, String)>,
    query: web::Query<StatementQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let answer = match (q.pdf, q.format) {
        (Some(true), _) => ReportFormat::Pdf,
        (_, StatFormat::Csv) => ReportFormat::Csv,
        (_, StatFormat::Json) => ReportFormat::Json,
    };
    statement_as(state, caller, path.into_inner(), answer).await
}

/// The statement as CSV.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(
        ("id" = i64, Path, description = "Vendor id"),
        ("month" = String, Path, description = "`YYYY-MM`"),
    ),
    responses(
        (status = 200, description = "The statement, as CSV", content((String = "text/csv"))),
        (status = 404, description = "No such vendor within your reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad month", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vendors/{id}/statements/{month}.csv")]
pub async fn vendor_statement_csv(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(VendorId, String)>,
) -> ApiResult<HttpResponse> {
    statement_as(state, caller, path.into_inner(), ReportFormat::Csv).await
}

/// The printable statement, as PDF.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(
        ("id" = i64, Path, description = "Vendor id"),
        ("month" = String, Path, description = "`YYYY-MM`"),
    ),
    responses(
        (status = 200, description = "The statement, as PDF", content((Vec<u8> = "application/pdf"))),
        (status = 404, description = "No such vendor within your reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad month", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vendors/{id}/statements/{month}.pdf")]
pub async fn vendor_statement_pdf(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(VendorId, String)>,
) -> ApiResult<HttpResponse> {
    statement_as(state, caller, path.into_inner(), ReportFormat::Pdf).await
}

async fn statement_as(
    state: web::Data<AppState>,
    caller: Caller,
    (id, month): (VendorId, String),
    answer: ReportFormat,
) -> ApiResult<HttpResponse> {
    let s = state
        .db(move |conn| statement::statement(conn, &caller.actor, id, &month))
        .await?;
    Ok(match answer {
        ReportFormat::Pdf => {
            let pdf = state.blocking(move |_| statement::to_pdf(&s)).await?;
            HttpResponse::Ok().content_type("application/pdf").body(pdf)
        }
        ReportFormat::Json => HttpResponse::Ok().json(s),
        ReportFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(statement::to_csv(&s)?),
    })
}
