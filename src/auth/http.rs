//! Sign-in endpoints.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::Caller;
use super::extract::{PasswordPending, device_id};
use super::service::{self, LoginRequest, RefreshRequest, TokenResponse};
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::org::users::UserView;
use crate::ratelimit::Door;
use crate::state::AppState;

/// Sign in with badge number and password.
///
/// Five failures within ten minutes lock the badge for ten minutes; the
/// answer is the same whether or not the badge exists.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong badge or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Right password, disabled account (`account_disabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Badge or password missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Locked after repeated failures (`account_locked`), five sign-ins of the badge still being checked (`sign_in_busy`, try again in a second), or too many sign-ins from this address (`rate_limited`); see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    state.limits.check(Door::SignIn, &req)?;
    let device = device_id(&req)?;
    let body = body.into_inner();
    let response = state
        .blocking(move |s| service::login(s, body, device))
        .await?;
    Ok(web::Json(response))
}

/// Exchange a refresh token for a new access token and refresh token.
///
/// Each refresh token works once. Presenting one that was already used
/// revokes the whole sign-in session (`refresh_token_reused`).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair", body = TokenResponse),
        (status = 401, description = "Unknown, expired, reused or revoked refresh token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let device = device_id(&req)?;
    let body = body.into_inner();
    let response = state
        .blocking(move |s| service::refresh(s, body, device))
        .await?;
    Ok(web::Json(response))
}

/// Sign out: revokes this session, its refresh tokens and access tokens.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    PasswordPending(caller): PasswordPending,
) -> ApiResult<HttpResponse> {
    state
        .db(move |c| {
            service::logout(
                c,
                caller.user_id,
                &caller.session_id,
                caller.actor.device.clone(),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in account.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    responses(
        (status = 200, description = "The caller's account", body = UserView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(caller: Caller) -> ApiResult<web::Json<UserView>> {
    // The session holds the account as current as a database read would:
    // whatever changes it empties the session caches.
    let session = &caller.session;
    Ok(web::Json(crate::org::users::view(
        session.user.clone(),
        session.unit.clone(),
    )?))
}

/// Change your own password. Your other sign-ins end; this one goes on.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    request_body = crate::org::users::ChangePassword,
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "Wrong current password, or a weak new one", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    PasswordPending(caller): PasswordPending,
    body: JsonBody<crate::org::users::ChangePassword>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    state
        .blocking(move |s| {
            crate::org::users::change_own_password(
                &s.pool,
                &caller.actor,
                &caller.session_id,
                &input,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
