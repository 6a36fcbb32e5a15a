//! The steps of a case: keying, blind verification, resolution, the police
//! review (approve or send back), closing without a ticket.

use actix_web::{post, web};

use crate::auth::{Caller, Supervisor};
use crate::cases::input::{ApproveInput, CloseInput, CriticalInput, KeyingInput, SendBackInput};
use crate::cases::review::{self, ApprovedCase};
use crate::cases::view::CaseView;
use crate::cases::work;
use crate::domain::CaseId;
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::state::AppState;

/// 一打: key every ticket field from the evidence (a claimed case). The
/// rules of on-the-spot tickets apply, plus the registry check; what they
/// catch is refused and kept as a near miss.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(("id" = i64, Path, description = "Case id")),
    request_body = KeyingInput,
    responses(
        (status = 200, description = "Keyed: waiting for verification", body = CaseView),
        (status = 403, description = "`role_not_allowed`, `separation_of_duties`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_claimed`, `wrong_status`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every mistake caught, or warnings to acknowledge", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/keying")]
pub async fn key_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    body: JsonBody<KeyingInput>,
) -> ApiResult<web::Json<CaseView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .db(move |c| work::key(c, &caller.actor, id, &input))
            .await?,
    ))
}

/// 二驗: key the critical fields again without seeing the keying.
/// Agreement sends the case to review, a difference to resolution.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(("id" = i64, Path, description = "Case id")),
    request_body = CriticalInput,
    responses(
        (status = 200, description = "Verified, or sent to resolution", body = CaseView),
        (status = 403, description = "`role_not_allowed`, `separation_of_duties`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_claimed`, `wrong_status`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/verification")]
pub async fn verify_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    body: JsonBody<CriticalInput>,
) -> ApiResult<web::Json<CaseView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .db(move |c| work::verify(c, &caller.actor, id, &input))
            .await?,
    ))
}

/// Settle the critical fields of a case whose keying and verification
/// differ, seeing both; each wrong value is recorded against its typist.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(("id" = i64, Path, description = "Case id")),
    request_body = CriticalInput,
    responses(
        (status = 200, description = "Resolved: waiting for review", body = CaseView),
        (status = 403, description = "`role_not_allowed`, `separation_of_duties`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_claimed`, `wrong_status`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every mistake caught", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/resolution")]
pub async fn resolve_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    body: JsonBody<CriticalInput>,
) -> ApiResult<web::Json<CaseView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .db(move |c| work::resolve(c, &caller.actor, id, &input))
            .await?,
    ))
}

/// Approve a verified case: its ticket is issued (numbered, stored
/// immutably, to the registered owner) in the same step.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Case id")),
    request_body = ApproveInput,
    responses(
        (status = 200, description = "Approved and ticketed", body = ApprovedCase),
        (status = 403, description = "`role_not_allowed`, `separation_of_duties`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_claimed`, `wrong_status`, `not_actionable`, `duplicate_violation`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every mistake caught, or warnings to acknowledge", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/approve")]
pub async fn approve_case(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<CaseId>,
    body: JsonBody<ApproveInput>,
) -> ApiResult<web::Json<ApprovedCase>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .blocking(move |s| {
                review::approve(
                    &mut *s.conn()?,
                    &caller.actor,
                    &crate::tickets::view::Context::of(s),
                    id,
                    &input,
                )
            })
            .await?,
    ))
}

/// Send a verified case back to keying, saying what is wrong.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Case id")),
    request_body = SendBackInput,
    responses(
        (status = 200, description = "Back in the keying queue", body = CaseView),
        (status = 409, description = "`not_claimed`, `wrong_status`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/send-back")]
pub async fn send_back_case(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<CaseId>,
    body: JsonBody<SendBackInput>,
) -> ApiResult<web::Json<CaseView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .db(move |c| review::send_back(c, &caller.actor, id, &input))
            .await?,
    ))
}

/// Close a case without a ticket, with a reason code and a note (police
/// of the unit, or the vendor supervisor for the vendor's cases).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["supervisor", "admin", "vendor_supervisor"])),
    params(("id" = i64, Path, description = "Case id")),
    request_body = CloseInput,
    responses(
        (status = 200, description = "Closed", body = CaseView),
        (status = 403, description = "`role_not_allowed`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`wrong_status`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/close")]
pub async fn close_case(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    body: JsonBody<CloseInput>,
) -> ApiResult<web::Json<CaseView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .db(move |c| review::close(c, &caller.actor, id, &input))
            .await?,
    ))
}
