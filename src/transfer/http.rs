//! Transfer endpoints: batches out, receipts and rejections in.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::batch::{self, BatchView};
use super::rejections::{self, RejectionReport};
use crate::auth::HqAdmin;
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::state::AppState;

/// Make the next transfer batch: every ticket version in force not yet in
/// a batch (headquarters administrators).
#[utoipa::path(
    tag = "transfer",
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "The batch", body = BatchView),
        (status = 204, description = "Nothing to send"),
    )
)]
#[post("/transfers")]
pub async fn create_batch(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
) -> ApiResult<HttpResponse> {
    let made = state.db(move |c| batch::create(c, &caller.actor)).await?;
    Ok(match made {
        Some(b) => HttpResponse::Created().json(b),
        None => HttpResponse::NoContent().finish(),
    })
}

/// Transfer batches, newest first.
#[utoipa::path(
    tag = "transfer",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "Batches", body = Vec<BatchView>))
)]
#[get("/transfers")]
pub async fn list_batches(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
) -> ApiResult<web::Json<Vec<BatchView>>> {
    Ok(web::Json(
        state.db(move |c| batch::list(c, &caller.actor)).await?,
    ))
}

/// The file of a batch (CSV, `docs/transfer-format.md`).
#[utoipa::path(
    tag = "transfer",
    security(("bearer" = ["admin"])),
    params(("id" = i64, Path, description = "Batch id")),
    responses(
        (status = 200, description = "The file", content((String = "text/csv"))),
        (status = 404, description = "No such batch", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transfers/{id}/file")]
pub async fn batch_file(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let bytes = state.db(move |c| batch::file(c, &caller.actor, id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"epatrol-transfer-{id}.csv\""),
        ))
        .body(bytes))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    /// The office's receipt number.
    pub receipt: String,
    /// The SHA-256 of the file the office received, as it acknowledges it.
    pub sha256: String,
}

/// Record the office's receipt of a batch: the batch is not sent again.
#[utoipa::path(
    tag = "transfer",
    security(("bearer" = ["admin"])),
    params(("id" = i64, Path, description = "Batch id")),
    request_body = ReceiptInput,
    responses(
        (status = 200, description = "Receipted", body = BatchView),
        (status = 404, description = "No such batch", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_receipted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A receipt for other bytes", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/transfers/{id}/receipt")]
pub async fn receipt_batch(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    id: web::Path<i64>,
    body: JsonBody<ReceiptInput>,
) -> ApiResult<web::Json<BatchView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .db(move |c| batch::receipt(c, &caller.actor, id, &input.receipt, &input.sha256))
            .await?,
    ))
}

/// Import the office's rejections (`number,version,reason,rejected_on`):
/// every bad row listed, nothing imported unless all are good.
#[utoipa::path(
    tag = "transfer",
    security(("bearer" = ["admin"])),
    request_body(content = String, content_type = "text/csv", example = "number,version,reason,rejected_on\nTN000000012,1,車號與車籍不符,2026-11-30\n"),
    responses(
        (status = 201, description = "Imported", body = RejectionReport),
        (status = 422, description = "Bad rows, all listed; nothing imported", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/rejections/import")]
pub async fn import_rejections(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let report = state
        .db(move |c| rejections::import_csv(c, &caller.actor, &body))
        .await?;
    Ok(HttpResponse::Created().json(report))
}
