//! Number blocks for handhelds writing tickets offline.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Police;
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::state::AppState;
use crate::tickets::numbering::{self, BlockRequest, BlocksView};
use crate::tickets::view::Context;

/// Allot a block of ticket numbers to the calling handheld (`X-Device-Id`)
/// for writing tickets without signal.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(
        ("X-Device-Id" = String, Header, pattern = r"^[A-Za-z0-9._:-]{1,64}$",
         description = "The handheld the block belongs to: required, since its numbers are used offline on that handheld only"),
    ),
    request_body = BlockRequest,
    responses(
        (status = 201, description = "The caller's blocks, with the new one", body = BlocksView),
        (status = 400, description = "No X-Device-Id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/ticket-blocks")]
pub async fn allot_block(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<BlockRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let view = state
        .blocking(move |s| {
            numbering::allot_block(&mut *s.conn()?, &caller.actor, &Context::of(s), &req)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The caller's number blocks and how many numbers are left (`low` when
/// it is time for a new block).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    responses((status = 200, description = "Blocks", body = BlocksView))
)]
#[get("/ticket-blocks")]
pub async fn list_blocks(
    state: web::Data<AppState>,
    Police(caller): Police,
) -> ApiResult<web::Json<BlocksView>> {
    Ok(web::Json(
        state
            .blocking(move |s| numbering::blocks(&mut *s.conn()?, &caller.actor, &Context::of(s)))
            .await?,
    ))
}
