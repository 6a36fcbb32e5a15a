//! Work queues: claim the next case of your step, give one back.

use actix_web::{HttpResponse, post, web};

use crate::auth::Caller;
use crate::cases::queue;
use crate::cases::status::Step;
use crate::cases::view::CaseView;
use crate::domain::CaseId;
use crate::error::{ApiResult, Problem};
use crate::state::AppState;

/// Claim the next case of a step (nearest deadline first), or the one you
/// already hold. The claim lasts 15 minutes; submitting the step or
/// releasing ends it. Nobody is given a case they already worked on.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(("step" = Step, Path, description = "keying, verification, resolution or review")),
    responses(
        (status = 200, description = "The claimed case", body = CaseView),
        (status = 204, description = "The queue is empty"),
        (status = 403, description = "Your role does not do this step", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/queues/{step}/claim")]
pub async fn claim_next(
    state: web::Data<AppState>,
    caller: Caller,
    step: web::Path<Step>,
) -> ApiResult<HttpResponse> {
    let step = step.into_inner();
    let claimed = state
        .db(move |c| queue::claim_next(c, &caller.actor, step))
        .await?;
    Ok(match claimed {
        Some(v) => HttpResponse::Ok().json(v),
        None => HttpResponse::NoContent().finish(),
    })
}

/// Give a claimed case back to its queue.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(("id" = i64, Path, description = "Case id")),
    responses(
        (status = 200, description = "Released", body = CaseView),
        (status = 409, description = "`not_claimed`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/release")]
pub async fn release_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
) -> ApiResult<web::Json<CaseView>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db(move |c| queue::release(c, &caller.actor, id))
            .await?,
    ))
}
