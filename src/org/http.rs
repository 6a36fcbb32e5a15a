//! Unit, account and vendor administration endpoints.

use actix_web::{HttpResponse, get, post, web};

use super::units::{self, CreateUnit, UnitListQuery, UnitView};
use super::users::{self, CreateUser, UserListQuery, UserView};
use super::vendors::{self, CreateVendor, VendorView};
use crate::auth::{Admin, HqAdmin, Police, Supervisor};
use crate::domain::{UnitId, UserId};
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::state::AppState;

/// Create a unit under a unit you administer.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["admin"])),
    request_body = CreateUnit,
    responses(
        (status = 201, description = "Created", body = UnitView),
        (status = 403, description = "Not an administrator, or the parent is outside your units", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already used (`code_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units")]
pub async fn create_unit(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    body: JsonBody<CreateUnit>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let unit = state
        .db(move |c| units::create(c, &caller.actor, body))
        .await?;
    Ok(HttpResponse::Created().json(unit))
}

/// Units within your reach, in id order.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    params(UnitListQuery, PageQuery),
    responses(
        (status = 200, description = "A page of units", body = Page<UnitView>),
        (status = 403, description = "Not a supervisor or administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units")]
pub async fn list_units(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    query: web::Query<UnitListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<UnitView>>> {
    let (query, page) = (query.into_inner(), page.into_inner());
    let result = state
        .db(move |c| units::list(c, &caller.actor, &query, page))
        .await?;
    Ok(web::Json(result))
}

/// One unit within your reach.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The unit", body = UnitView),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}")]
pub async fn get_unit(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<i64>,
) -> ApiResult<web::Json<UnitView>> {
    let id = UnitId(id.into_inner());
    let unit = state.db(move |c| units::get(c, &caller.actor, id)).await?;
    Ok(web::Json(unit))
}

/// Disable a unit (units are never deleted).
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["admin"])),
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The unit, now disabled", body = UnitView),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/disable")]
pub async fn disable_unit(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    id: web::Path<i64>,
) -> ApiResult<web::Json<UnitView>> {
    let id = UnitId(id.into_inner());
    let unit = state
        .db(move |c| units::set_disabled(c, &caller.actor, id, true))
        .await?;
    Ok(web::Json(unit))
}

/// Enable a disabled unit again.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["admin"])),
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The unit, now enabled", body = UnitView),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/enable")]
pub async fn enable_unit(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    id: web::Path<i64>,
) -> ApiResult<web::Json<UnitView>> {
    let id = UnitId(id.into_inner());
    let unit = state
        .db(move |c| units::set_disabled(c, &caller.actor, id, false))
        .await?;
    Ok(web::Json(unit))
}

/// Create an account in a unit you manage. Supervisors create officers;
/// administrators create any role.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = UserView),
        (status = 403, description = "Role you may not grant, or unit outside your reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Badge already has an account (`badge_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    body: JsonBody<CreateUser>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let user = state
        .blocking(move |s| {
            let prepared = users::prepare(&caller.actor, body)?;
            users::create(&mut *s.conn()?, &caller.actor, prepared)
        })
        .await?;
    Ok(HttpResponse::Created().json(user))
}

/// Accounts in units within your reach, in id order.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    params(UserListQuery, PageQuery),
    responses(
        (status = 200, description = "A page of accounts", body = Page<UserView>),
        (status = 403, description = "Not a supervisor or administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    query: web::Query<UserListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<UserView>>> {
    let (query, page) = (query.into_inner(), page.into_inner());
    let result = state
        .db(move |c| users::list(c, &caller.actor, &query, page))
        .await?;
    Ok(web::Json(result))
}

/// One account within your reach.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = UserView),
        (status = 404, description = "No such account within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
) -> ApiResult<web::Json<UserView>> {
    let id = UserId(id.into_inner());
    let user = state.db(move |c| users::get(c, &caller.actor, id)).await?;
    Ok(web::Json(user))
}

/// Disable an account: its sessions end at once.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The account, now disabled", body = UserView),
        (status = 403, description = "A role you may not manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
) -> ApiResult<web::Json<UserView>> {
    let id = UserId(id.into_inner());
    let user = state
        .db(move |c| users::set_disabled(c, &caller.actor, id, true))
        .await?;
    Ok(web::Json(user))
}

/// Enable a disabled account again.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The account, now enabled", body = UserView),
        (status = 404, description = "No such account within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
) -> ApiResult<web::Json<UserView>> {
    let id = UserId(id.into_inner());
    let user = state
        .db(move |c| users::set_disabled(c, &caller.actor, id, false))
        .await?;
    Ok(web::Json(user))
}

/// Set a new password for an account you manage (a forgotten password).
/// Every sign-in of that account ends.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "User id")),
    request_body = users::ResetPassword,
    responses(
        (status = 200, description = "The account", body = UserView),
        (status = 403, description = "A role you may not manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account within your reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A weak password", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
    body: JsonBody<users::ResetPassword>,
) -> ApiResult<web::Json<UserView>> {
    let (id, input) = (UserId(id.into_inner()), body.into_inner());
    let user = state
        .blocking(move |s| users::reset_password(&s.pool, &caller.actor, id, &input))
        .await?;
    Ok(web::Json(user))
}

/// Register an outside vendor (headquarters administrators).
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["admin"])),
    request_body = CreateVendor,
    responses(
        (status = 201, description = "Created", body = VendorView),
        (status = 403, description = "Not a headquarters administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already used", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/vendors")]
pub async fn create_vendor(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    body: JsonBody<CreateVendor>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let vendor = state
        .db(move |c| vendors::create(c, &caller.actor, body))
        .await?;
    Ok(HttpResponse::Created().json(vendor))
}

/// All vendors.
#[utoipa::path(
    tag = "org",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "Vendors", body = Vec<VendorView>))
)]
#[get("/vendors")]
pub async fn list_vendors(
    state: web::Data<AppState>,
    Admin(caller): Admin,
) -> ApiResult<web::Json<Vec<VendorView>>> {
    let list = state.db(move |c| vendors::list(c, &caller.actor)).await?;
    Ok(web::Json(list))
}
