//! Versions of the key that signs box codes: listing, rotating, retiring.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::{Admin, HqAdmin};
use crate::error::{ApiResult, Problem};
use crate::state::AppState;

/// Versions of the key that signs box codes.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "Key versions", body = Vec<crate::patrol::keys::KeyVersion>))
)]
#[get("/box-code-keys")]
pub async fn list_box_code_keys(
    state: web::Data<AppState>,
    Admin(caller): Admin,
) -> ApiResult<web::Json<Vec<crate::patrol::keys::KeyVersion>>> {
    Ok(web::Json(
        state
            .db(move |c| crate::patrol::keys::list(c, &caller.actor))
            .await?,
    ))
}

/// Start a new key version (headquarters administrators): stickers printed
/// from now on carry it; stickers already on boxes keep working until their
/// version is retired.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "Key versions, the new one current", body = Vec<crate::patrol::keys::KeyVersion>),
        (status = 403, description = "Not a headquarters administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/box-code-keys")]
pub async fn rotate_box_code_key(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
) -> ApiResult<HttpResponse> {
    let list = state
        .db(move |c| {
            crate::patrol::keys::rotate(c, &caller.actor)?;
            crate::patrol::keys::list(c, &caller.actor)
        })
        .await?;
    Ok(HttpResponse::Created().json(list))
}

/// Retire a key version: stickers signed with it stop working. The current
/// version cannot be retired.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["admin"])),
    params(("version" = i32, Path, description = "Key version")),
    responses(
        (status = 200, description = "Key versions", body = Vec<crate::patrol::keys::KeyVersion>),
        (status = 409, description = "The current version (`current_key`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/box-code-keys/{version}/retire")]
pub async fn retire_box_code_key(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    version: web::Path<i32>,
) -> ApiResult<web::Json<Vec<crate::patrol::keys::KeyVersion>>> {
    let version = version.into_inner();
    Ok(web::Json(
        state
            .db(move |c| {
                crate::patrol::keys::retire(c, &caller.actor, version)?;
                crate::patrol::keys::list(c, &caller.actor)
            })
            .await?,
    ))
}
