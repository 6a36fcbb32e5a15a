//! Cases: intake, lists, one case, the accounting of every case received.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Supervisor};
use crate::cases::blocked::{BlockedCase, blocked_cases};
use crate::cases::input::CaseInput;
use crate::cases::intake;
use crate::cases::status::CaseStatus;
use crate::cases::store::{self, CaseFilter};
use crate::cases::view::{self, CaseView};
use crate::db::now;
use crate::domain::CaseId;
use crate::domain::time::taiwan_date;
use crate::error::{ApiError, ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::state::AppState;
use crate::visibility::{CaseScope, case_scope};

/// Take in a camera case or citizen report. One that can never become a
/// ticket (out of time, reported too late, not reportable, a repeat) is
/// taken all the same and closed at once with its reason.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["supervisor", "admin"])),
    request_body = CaseInput,
    responses(
        (status = 201, description = "Received (or closed by a legal gate, with its reason)", body = CaseView),
        (status = 200, description = "Already received: the first answer again", body = CaseView),
        (status = 409, description = "`client_id_conflict`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases")]
pub async fn receive_case(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    body: JsonBody<CaseInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let v = state
        .db(move |c| intake::receive(c, &caller.actor, &input))
        .await?;
    Ok(if v.replayed {
        HttpResponse::Ok().json(v)
    } else {
        HttpResponse::Created().json(v)
    })
}

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    pub status: Option<CaseStatus>,
    /// Only open cases whose Article 90 deadline is at most this many days
    /// away (the daily near-deadline report).
    #[param(minimum = 0, maximum = 62)]
    pub deadline_within_days: Option<i64>,
}

/// Cases within your reach: police their units', vendor staff their
/// vendor's.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(CaseListQuery, PageQuery),
    responses((status = 200, description = "A page of cases", body = Page<CaseView>))
)]
#[get("/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CaseListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<CaseView>>> {
    let (query, page) = (query.into_inner(), page.into_inner());
    let limit = page.limit()?;
    if query
        .deadline_within_days
        .is_some_and(|d| !(0..=62).contains(&d))
    {
        return Err(ApiError::field(
            "deadline_within_days",
            "out_of_range",
            "0 to 62 days",
        ));
    }
    let result = state
        .db(move |conn| {
            let actor = &caller.actor;
            let (within_path, vendor) = match case_scope(actor) {
                CaseScope::Units(path) => (path, None),
                CaseScope::Vendor(v) => (None, Some(v)),
                CaseScope::Nothing => return Err(ApiError::Forbidden("role_not_allowed")),
            };
            let deadline_by = query
                .deadline_within_days
                .map(|d| taiwan_date(now()) + chrono::Duration::days(d));
            let rows = store::list(
                conn,
                &CaseFilter {
                    within_path: within_path.as_deref(),
                    vendor,
                    status: query.status,
                    deadline_by,
                    after: page.after,
                    limit,
                },
            )?;
            let views = rows
                .into_iter()
                .map(|r| view::view(conn, actor, r))
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(Page::from_rows(views, limit, |v: &CaseView| v.id.0))
        })
        .await?;
    Ok(web::Json(result))
}

/// One case, as your step may see it.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(("id" = i64, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 404, description = "No such case within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cases/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
) -> ApiResult<web::Json<CaseView>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |conn| {
                let (row, _) = view::get_readable(conn, &caller.actor, id)?;
                view::view(conn, &caller.actor, row)
            })
            .await?,
    ))
}

/// Every case received, accounted for.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseAccounting {
    pub received: i64,
    /// Open cases by status, and the ticketed ones.
    pub by_status: BTreeMap<String, i64>,
    /// Cases closed without a ticket, by reason.
    pub closed_by_reason: BTreeMap<String, i64>,
    /// Open cases that wait for a step nobody can take, with the reason:
    /// none waits silently.
    pub blocked: Vec<BlockedCase>,
}

/// Every case received within your reach, by where it stands: none is
/// ever dropped silently.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    responses((status = 200, description = "Counts", body = CaseAccounting))
)]
#[get("/cases/accounting")]
pub async fn case_accounting(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<CaseAccounting>> {
    let counts = state
        .db(move |conn| {
            let (path, vendor) = match case_scope(&caller.actor) {
                CaseScope::Units(path) => (path, None),
                CaseScope::Vendor(v) => (None, Some(v)),
                CaseScope::Nothing => return Err(ApiError::Forbidden("role_not_allowed")),
            };
            let counts = store::accounting(conn, path.as_deref(), vendor)?;
            let blocked = blocked_cases(conn, path.as_deref(), vendor, None)?;
            Ok((counts, blocked))
        })
        .await?;
    let (counts, blocked) = counts;
    let mut out = CaseAccounting {
        received: 0,
        by_status: CaseStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), 0))
            .collect(),
        closed_by_reason: BTreeMap::new(),
        blocked,
    };
    for (status, reason, n) in counts {
        out.received += n;
        *out.by_status.entry(status.as_str().to_owned()).or_default() += n;
        if let Some(r) = reason {
            *out.closed_by_reason
                .entry(r.as_str().to_owned())
                .or_default() += n;
        }
    }
    Ok(web::Json(out))
}
