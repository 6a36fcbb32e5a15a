//! Browser sessions of the console: a signed cookie naming a sign-in
//! session (the same `auth_sessions` row the handhelds' tokens name, so
//! revocation, lockout and audit are shared), with an idle timeout, and the
//! CSRF token every form carries.
//!
//! The cookie is `session.issued.seen.mac`: `seen` slides forward while the
//! browser is in use and the idle timeout is judged by it, so an idle
//! session ends without a write per request; revocation is checked in the
//! database on every request, as for the API.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use base64::Engine;
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;
use hmac::Mac;

use super::page_error::PageError;
use crate::auth::extract::Caller;
use crate::domain::Actor;
use crate::signing::constant_time_eq;
use crate::state::AppState;

/// Signed out after this long without a request.
pub const IDLE_MINUTES: i64 = 30;
/// Signed out after this long whatever happens: one shift.
pub const SESSION_HOURS: i64 = 12;
/// The sliding cookie is re-issued when it is older than this.
const REISSUE_SECS: i64 = 60;
/// Header htmx sends the CSRF token in.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// Form field plain forms send it in.
pub const CSRF_FIELD: &str = "_csrf";

/// The cookie's name: `__Host-` (Secure, no Domain, path /) under https.
pub fn cookie_name(state: &AppState) -> &'static str {
    if secure(state) {
        "__Host-epatrol"
    } else {
        "epatrol_console"
    }
}

fn secure(state: &AppState) -> bool {
    state.settings.public_url.starts_with("https://")
}

fn mac(state: &AppState, text: &str) -> String {
    let mut mac = state.signing_keys.console_mac();
    mac.update(text.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// What a valid cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub session_id: String,
    pub issued: i64,
    pub seen: i64,
}

impl Ticket {
    fn text(&self) -> String {
        format!("{}.{}.{}", self.session_id, self.issued, self.seen)
    }
}

/// The cookie value of `ticket`.
pub fn seal(state: &AppState, ticket: &Ticket) -> String {
    let text = ticket.text();
    format!("{text}.{}", mac(state, &text))
}

/// Why a cookie does not sign anyone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Forged,
    Idle,
    Expired,
}

/// Checks a cookie value's signature and times at `now` (Unix seconds).
pub fn open(state: &AppState, value: &str, now: i64) -> Result<Ticket, Refusal> {
    let (text, tag) = value.rsplit_once('.').ok_or(Refusal::Forged)?;
    if !constant_time_eq(mac(state, text).as_bytes(), tag.as_bytes()) {
        return Err(Refusal::Forged);
    }
    let mut parts = text.split('.');
    let (Some(session_id), Some(issued), Some(seen), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Forged);
    };
    let (Ok(issued), Ok(seen)) = (issued.parse::<i64>(), seen.parse::<i64>()) else {
        return Err(Refusal::Forged);
    };
    judge_times(issued, seen, now)?;
    Ok(Ticket {
        session_id: session_id.to_owned(),
        issued,
        seen,
    })
}

/// The idle and absolute limits, as a plain rule.
pub fn judge_times(issued: i64, seen: i64, now: i64) -> Result<(), Refusal> {
    if now - issued > SESSION_HOURS * 3600 {
        return Err(Refusal::Expired);
    }
    if now - seen > IDLE_MINUTES * 60 {
        return Err(Refusal::Idle);
    }
    Ok(())
}

/// The session cookie for `ticket`, HttpOnly and SameSite=Strict; Secure
/// under https.
pub fn cookie(state: &AppState, ticket: &Ticket) -> Cookie<'static> {
    session_cookie(state, seal(state, ticket))
}

fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(state), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure(state))
        .finish()
}

/// A cookie that removes the session cookie.
pub fn removal(state: &AppState) -> Cookie<'static> {
    let mut c = session_cookie(state, String::new());
    c.make_removal();
    c
}

/// The CSRF token of a session: bound to it, so one taken from another
/// session (or made up) is refused.
pub fn csrf_token(state: &AppState, session_id: &str) -> String {
    mac(state, &format!("csrf:{session_id}"))
}

pub fn csrf_ok(state: &AppState, session_id: &str, presented: &str) -> bool {
    constant_time_eq(
        csrf_token(state, session_id).as_bytes(),
        presented.trim().as_bytes(),
    )
}

fn unix(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

/// The ticket of the request's cookie, if valid now.
pub fn ticket_of(req: &HttpRequest, state: &AppState) -> Result<Ticket, Refusal> {
    let value = req
        .cookie(cookie_name(state))
        .map(|c| c.value().to_owned())
        .ok_or(Refusal::Missing)?;
    open(state, &value, unix(state.clock.now()))
}

/// The cookie to send back when the sliding `seen` is stale, else `None`.
pub fn refreshed(state: &AppState, ticket: &Ticket) -> Option<Cookie<'static>> {
    let now = unix(state.clock.now());
    (now - ticket.seen > REISSUE_SECS).then(|| {
        cookie(
            state,
            &Ticket {
                seen: now,
                ..ticket.clone()
            },
        )
    })
}

/// A signed-in console user: the same caller the API handlers get.
#[derive(Debug, Clone)]
pub struct Browser {
    pub caller: Caller,
    pub name: String,
    pub unit_name: String,
    pub csrf: String,
    pub must_change_password: bool,
}

impl Browser {
    pub fn actor(&self) -> &Actor {
        &self.caller.actor
    }

    /// Admits only `roles`, the lists the API's extractors admit
    /// (`Supervisor::ROLES`, `Police::ROLES`, ...), so a page is closed to
    /// whoever its API route is closed to.
    pub fn allow(&self, roles: &[crate::domain::Role]) -> Result<(), PageError> {
        if roles.contains(&self.caller.role()) {
            Ok(())
        } else {
            Err(PageError::Api(crate::error::ApiError::Forbidden(
                "role_not_allowed",
            )))
        }
    }
}

impl FromRequest for Browser {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or(PageError::SignIn)?;
            let ticket = ticket_of(&req, &state).map_err(|_| PageError::SignIn)?;
            let browser = load(&state, ticket.session_id).await?;
            // Until its owner chooses a password, the account sees one page.
            if browser.must_change_password && req.path() != "/password" {
                return Err(PageError::ChangePassword);
            }
            // For an error page to be drawn inside this caller's menu.
            actix_web::HttpMessage::extensions_mut(&req).insert(browser.clone());
            Ok(browser)
        })
    }
}

async fn load(state: &AppState, session_id: String) -> Result<Browser, PageError> {
    let session = crate::auth::extract::live_session(state, session_id)
        .await
        .map_err(|e| match e {
            crate::error::ApiError::Unauthorized(_) => PageError::SignIn,
            other => PageError::Api(other),
        })?;
    if session.expires_at <= state.clock.now() {
        return Err(PageError::SignIn);
    }
    Ok(Browser {
        csrf: csrf_token(state, &session.session_id),
        name: session.user.name.clone(),
        unit_name: session.unit.name.clone(),
        must_change_password: session.user.must_change_password,
        caller: Caller::of_session(session, Some(super::DEVICE.to_owned())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_and_absolute_limits() {
        let t0 = 1_000_000;
        assert_eq!(judge_times(t0, t0, t0 + 60), Ok(()));
        assert_eq!(
            judge_times(t0, t0, t0 + IDLE_MINUTES * 60 + 1),
            Err(Refusal::Idle)
        );
        // Kept in use, it still ends after a shift.
        let late = t0 + SESSION_HOURS * 3600 + 1;
        assert_eq!(judge_times(t0, late - 10, late), Err(Refusal::Expired));
    }
}
