//! Sign-in, sign-out and the password an account must choose for itself.
//! Sign-in goes through the API's own flow (`auth::service::sign_in`): the
//! same lockout after repeated failures, the same audit entries.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Duration;
use maud::{Markup, html};

use crate::auth::service::{LoginRequest, sign_in};
use crate::console::layout::{bare, csrf_field, ok, page, problems, see_other};
use crate::console::page_error::{PageError, PageResult, explain};
use crate::console::session::{self, Browser, SESSION_HOURS, Ticket};
use crate::console::{CsrfForm, DEVICE, FormPairs, field, raw_field};
use crate::error::ApiError;
use crate::state::AppState;

/// The sign-in form's own CSRF guard: a random value in a cookie and in
/// the form, which another site can neither read nor set.
const LOGIN_COOKIE: &str = "epatrol_login";

fn login_form(token: &str, badge: &str, messages: &[String]) -> Markup {
    bare(
        "登入",
        html! {
            main.narrow {
                h1 { "電子巡簽與舉發系統 登入" }
                (problems(messages))
                form method="post" action="/login" {
                    input type="hidden" name="_login" value=(token);
                    label for="badge" { "員警編號或帳號" }
                    input #badge type="text" name="badge" value=(badge) autocomplete="username"
                        required autofocus;
                    label for="password" { "密碼" }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    p { button type="submit" { "登入" } }
                }
                p.muted { "連續輸入錯誤五次，帳號將暫時鎖定。" }
            }
        },
    )
}

fn with_login_cookie(
    state: &AppState,
    body: Markup,
    status: actix_web::http::StatusCode,
    token: &str,
) -> HttpResponse {
    let mut res = crate::console::layout::html_response(status, body);
    let cookie = Cookie::build(LOGIN_COOKIE, token.to_owned())
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.public_url.starts_with("https://"))
        .finish();
    let _ = res.add_cookie(&cookie);
    res
}

#[get("/login")]
pub async fn login_page(state: web::Data<AppState>) -> HttpResponse {
    let token = crate::auth::token::new_refresh_token();
    with_login_cookie(
        &state,
        login_form(&token, "", &[]),
        actix_web::http::StatusCode::OK,
        &token,
    )
}

#[post("/login")]
pub async fn login_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: FormPairs,
) -> PageResult<HttpResponse> {
    let form = form.into_inner();
    let badge = field(&form, "badge").to_owned();
    let expected = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_owned());
    let presented = field(&form, "_login");
    let token = crate::auth::token::new_refresh_token();
    if expected
        .as_deref()
        .is_none_or(|e| !crate::signing::constant_time_eq(e.as_bytes(), presented.as_bytes()))
    {
        let msg = vec!["登入表單已失效，請再試一次。".to_owned()];
        return Ok(with_login_cookie(
            &state,
            login_form(&token, &badge, &msg),
            actix_web::http::StatusCode::FORBIDDEN,
            &token,
        ));
    }
    let request = LoginRequest {
        badge: badge.clone(),
        password: raw_field(&form, "password"),
    };
    let opened = state
        .blocking(move |s| {
            sign_in(
                s,
                request,
                Some(DEVICE.to_owned()),
                Duration::hours(SESSION_HOURS),
                |_, session_id, user, _| Ok((session_id.to_owned(), user.must_change_password)),
            )
        })
        .await;
    let (session_id, must_change) = match opened {
        Ok(v) => v,
        Err(e) => {
            let (status, msg) = match &e {
                ApiError::Unauthorized(_) => (
                    actix_web::http::StatusCode::UNAUTHORIZED,
                    "員警編號或密碼錯誤。".to_owned(),
                ),
                ApiError::Validation(_) => (
                    actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "請輸入員警編號與密碼。".to_owned(),
                ),
                ApiError::TooManyRequests {
                    code: "sign_in_busy",
                    retry_after_secs,
                } => (
                    actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                    format!("此帳號正在登入中，請 {retry_after_secs} 秒後再試。"),
                ),
                ApiError::TooManyRequests {
                    retry_after_secs, ..
                } => (
                    actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "此帳號已暫時鎖定，請 {} 分鐘後再試。",
                        retry_after_secs.div_ceil(60)
                    ),
                ),
                ApiError::Forbidden(_) => (
                    actix_web::http::StatusCode::FORBIDDEN,
                    "此帳號或其單位已停用。".to_owned(),
                ),
                other => {
                    return Err(PageError::Api(ApiError::Internal(anyhow::anyhow!(
                        "{other}"
                    ))));
                }
            };
            return Ok(with_login_cookie(
                &state,
                login_form(&token, &badge, &[msg]),
                status,
                &token,
            ));
        }
    };
    let now = state.clock.now().and_utc().timestamp();
    let ticket = Ticket {
        session_id,
        issued: now,
        seen: now,
    };
    let mut res = see_other(if must_change { "/password" } else { "/" });
    let _ = res.add_cookie(&session::cookie(&state, &ticket));
    Ok(res)
}

#[post("/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    CsrfForm { who, .. }: CsrfForm,
) -> PageResult<HttpResponse> {
    let (user, sid) = (who.caller.user_id, who.caller.session_id.clone());
    state
        .db(move |c| crate::auth::service::logout(c, user, &sid, Some(DEVICE.to_owned())))
        .await?;
    let mut res = see_other("/login");
    let _ = res.add_cookie(&session::removal(&state));
    Ok(res)
}

fn password_form(who: &Browser, messages: &[String]) -> Markup {
    page(
        "變更密碼",
        who,
        html! {
            div.narrow {
                h1 { "變更密碼" }
                @if who.must_change_password {
                    p { "這個帳號的密碼是別人設定的。請先設定只有您知道的新密碼，才能開始使用。" }
                }
                (problems(messages))
                form method="post" action="/password" {
                    (csrf_field(who))
                    label for="current" { "目前的密碼" }
                    input #current type="password" name="current_password" autocomplete="current-password" required autofocus;
                    label for="new" { "新密碼（10 至 128 個字元）" }
                    input #new type="password" name="new_password" autocomplete="new-password" required minlength="10";
                    label for="again" { "再輸入一次新密碼" }
                    input #again type="password" name="again" autocomplete="new-password" required;
                    p { button type="submit" { "變更密碼" } }
                }
            }
        },
    )
}

#[get("/password")]
pub async fn password_page(who: Browser) -> HttpResponse {
    ok(password_form(&who, &[]))
}

#[post("/password")]
pub async fn password_submit(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    if raw_field(&form, "new_password") != raw_field(&form, "again") {
        let msg = vec!["兩次輸入的新密碼不同。".to_owned()];
        return Ok(crate::console::layout::html_response(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            password_form(&who, &msg),
        ));
    }
    let input = crate::org::users::ChangePassword {
        current_password: raw_field(&form, "current_password"),
        new_password: raw_field(&form, "new_password"),
    };
    let (actor, sid) = (who.actor().clone(), who.caller.session_id.clone());
    let changed = state
        .blocking(move |s| crate::org::users::change_own_password(&s.pool, &actor, &sid, &input))
        .await;
    match changed {
        Ok(()) => Ok(see_other("/")),
        Err(e @ ApiError::Validation(_)) => Ok(crate::console::layout::html_response(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            password_form(&who, &[explain(&e)]),
        )),
        Err(e) => Err(e.into()),
    }
}
