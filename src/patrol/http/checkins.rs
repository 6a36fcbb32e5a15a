//! Check-ins: single online scans, offline batches, and reading them back.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Police;
use crate::db::write_txn;
use crate::domain::{BoxId, CheckinId, UserId};
use crate::error::{ApiError, ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::patrol::checkin::group::GroupCommit;
use crate::patrol::checkin::{
    self, BatchRequest, BatchResponse, CheckinInput, CheckinResult, CheckinStatus, CheckinView,
    Outcome,
};
use crate::state::AppState;

/// Check in at a patrol box (online scan).
///
/// The answer is `accepted` or `flagged` with machine-readable flags; a
/// forged, altered, superseded or unknown code is refused (422). Sending the
/// same `client_id` again returns the first answer (200, `replayed`).
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    request_body = CheckinInput,
    responses(
        (status = 201, description = "Recorded", body = CheckinResult),
        (status = 200, description = "Already recorded: the first answer again", body = CheckinResult),
        (status = 503, description = "Writing has fallen behind (`overloaded`): nothing was stored; send again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused: `bad_signature`, `malformed_code`, `unknown_box`, `box_retired`, `code_superseded`, `code_key_retired`, `client_id_conflict`, `validation_failed`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/checkins")]
pub async fn create_checkin(
    state: web::Data<AppState>,
    checkins: web::Data<GroupCommit>,
    Police(caller): Police,
    body: JsonBody<CheckinInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let admitted = state.uploads.admit()?;
    let result = checkins
        .record(caller.actor, caller.user_id, input, admitted)
        .await?;
    if result.result == Outcome::Rejected {
        let error = result.error.clone();
        let (code, message, errors) = error
            .map(|e| (e.code, e.message, e.errors))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        if code == "client_id_conflict" {
            return Err(ApiError::conflict("client_id_conflict", message));
        }
        return Err(ApiError::Rejected {
            code,
            detail: message,
        });
    }
    Ok(if result.replayed {
        HttpResponse::Ok().json(result)
    } else {
        HttpResponse::Created().json(result)
    })
}

/// Upload queued offline check-ins (up to 1000), answered item by item.
///
/// The whole batch is committed before the answer; sending the same batch
/// again changes nothing and returns the same results, marked `replayed`.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One result per item, in order", body = BatchResponse),
        (status = 422, description = "No items, or more than 1000", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Writing has fallen behind (`overloaded`): nothing was stored; send again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/checkins/batch")]
pub async fn batch_checkins(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<BatchRequest>,
) -> ApiResult<web::Json<BatchResponse>> {
    let body = body.into_inner();
    if body.items.is_empty() || body.items.len() > checkin::MAX_BATCH {
        return Err(ApiError::field(
            "items",
            "count",
            format!("1 to {} items", checkin::MAX_BATCH),
        ));
    }
    let keys = state.signing_keys.clone();
    let mut admitted = state.uploads.admit()?;
    // Read and checked once; written again on a fresh connection if the
    // first is lost mid-batch (client ids make the second write replay
    // whatever the first committed).
    let items = checkin::read_items(&body.items);
    let checked = {
        let sender = checkin::Sender {
            actor: &caller.actor,
            officer: caller.user_id,
            sent: body.sent_monotonic.as_ref(),
        };
        checkin::check_items(&keys, &sender, &items)
    };
    let work = std::sync::Arc::new((body, items, checked, caller));
    let written = work.clone();
    let response = state
        .db_again_if_lost(move |c| {
            let (body, items, checked, caller) = &*written;
            let sender = checkin::Sender {
                actor: &caller.actor,
                officer: caller.user_id,
                sent: body.sent_monotonic.as_ref(),
            };
            write_txn(c, |c| {
                admitted.writing();
                checkin::record_batch(c, &sender, &body.items, items, checked)
            })
        })
        .await;
    crate::cores::drop_elsewhere(work);
    let response = response?;
    Ok(web::Json(response))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckinListQuery {
    pub officer_id: Option<i64>,
    pub box_id: Option<i64>,
    /// `accepted` or `flagged`.
    #[param(inline)]
    pub status: Option<CheckinStatus>,
    /// From this instant (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this instant (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// Check-ins: officers see their own, supervisors those at boxes of their units.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(CheckinListQuery, PageQuery),
    responses((status = 200, description = "A page of check-ins", body = Page<CheckinView>))
)]
#[get("/checkins")]
pub async fn list_checkins(
    state: web::Data<AppState>,
    Police(caller): Police,
    query: web::Query<CheckinListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<CheckinView>>> {
    let (q, page) = (query.into_inner(), page.into_inner());
    let result = state
        .db(move |c| {
            let criteria = crate::patrol::checkins::Criteria {
                officer_id: q.officer_id.map(UserId),
                box_id: q.box_id.map(BoxId),
                status: q.status,
                from: q.from.map(|t| t.naive_utc()),
                to: q.to.map(|t| t.naive_utc()),
                after: page.after,
                limit: page.limit()?,
            };
            let views = crate::patrol::checkins::list(c, &caller.actor, &criteria)?;
            Ok(Page::from_rows(views, page.limit()?, |v: &CheckinView| {
                v.id.0
            }))
        })
        .await?;
    Ok(web::Json(result))
}

/// One check-in.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "Check-in id")),
    responses(
        (status = 200, description = "The check-in", body = CheckinView),
        (status = 404, description = "Not yours, or not within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/checkins/{id}")]
pub async fn get_checkin(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CheckinView>> {
    let id = CheckinId(id.into_inner());
    let view = state
        .db(move |c| crate::patrol::checkins::get(c, &caller.actor, id))
        .await?;
    Ok(web::Json(view))
}
