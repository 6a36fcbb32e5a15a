//! Supervisors' reviews of flagged check-ins.

use actix_web::{HttpResponse, post, web};

use crate::auth::Supervisor;
use crate::domain::CheckinId;
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::patrol::review::{self, ReviewInput, ReviewView};
use crate::state::AppState;

/// Review a flagged check-in: `accept` makes it count towards coverage,
/// `reject` confirms it does not. The check-in itself never changes; the
/// latest review stands. Nobody reviews their own check-in.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Check-in id")),
    request_body = ReviewInput,
    responses(
        (status = 201, description = "Recorded", body = ReviewView),
        (status = 403, description = "Own check-in, or not a supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The check-in is not flagged (`not_flagged`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/checkins/{id}/review")]
pub async fn review_checkin(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
    body: JsonBody<ReviewInput>,
) -> ApiResult<HttpResponse> {
    let (id, body) = (CheckinId(id.into_inner()), body.into_inner());
    let view = state
        .db(move |c| review::review(c, &caller.actor, id, body))
        .await?;
    Ok(HttpResponse::Created().json(view))
}
