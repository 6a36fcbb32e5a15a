//! Extractors that authenticate the caller and check the role, so a handler
//! that takes `Supervisor` cannot forget the check.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use std::sync::Arc;

use super::cache::CachedSession;
use super::store;
use super::token::TokenError;
use crate::db::write_txn;
use crate::domain::{Actor, Role, UserId};
use crate::error::ApiError;
use crate::state::AppState;

/// Header naming the handheld or browser a request comes from; recorded in
/// the audit log.
pub const DEVICE_HEADER: &str = "X-Device-Id";

/// An authenticated caller, whatever the role.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub badge: String,
    pub session_id: String,
    pub actor: Actor,
    /// The account and unit as they were when the session was last read.
    pub session: Arc<CachedSession>,
}

impl Caller {
    /// The caller of a live session, from `device`.
    pub fn of_session(session: Arc<CachedSession>, device: Option<String>) -> Caller {
        let (user, unit) = (&session.user, &session.unit);
        Caller {
            user_id: user.id,
            badge: user.badge.clone(),
            session_id: session.session_id.clone(),
            actor: Actor {
                user_id: Some(user.id),
                role: user.role,
                unit_id: Some(unit.id),
                unit_path: Some(unit.path.clone()),
                vendor_id: user.vendor_id,
                device,
            },
            session: session.clone(),
        }
    }

    pub fn role(&self) -> Role {
        self.actor.role
    }
}

/// The `X-Device-Id` header: 1–64 letters, digits, `-`, `_`, `.` or `:`.
/// It is stored in the audit log and on tickets, so anything else is
/// refused (400 `invalid_device_id`) rather than stored or dropped.
pub fn device_id(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get(DEVICE_HEADER) else {
        return Ok(None);
    };
    let value = raw.to_str().unwrap_or_default();
    let ok = (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(Some(value.to_owned()))
    } else {
        Err(ApiError::bad_request(
            "invalid_device_id",
            "X-Device-Id: 1–64 letters, digits, '-', '_', '.' or ':'",
        ))
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))
}

/// The live session `sid` with its account and unit, from the cache or
/// read (and remembered) when the cache does not have it. A revoked
/// session, a disabled account or a disabled unit is refused, and never
/// remembered.
pub async fn live_session(state: &AppState, sid: String) -> Result<Arc<CachedSession>, ApiError> {
    if let Some(hit) = state.sessions.get(&sid) {
        return Ok(hit);
    }
    let stamp = state.sessions.stamp();
    let found = state
        .db(move |c| {
            let Some((session, user, unit)) = store::session_caller(c, &sid)? else {
                return Ok(None);
            };
            let unit_disabled = crate::org::directory::unit_disabled_along(c, &unit.path)?;
            Ok(Some((session, user, unit, unit_disabled)))
        })
        .await?;
    let (session, mut user, unit, unit_disabled) =
        found.ok_or(ApiError::Unauthorized("invalid_token"))?;
    if session.user_id != user.id {
        return Err(ApiError::Unauthorized("invalid_token"));
    }
    if session.revoked_at.is_some() {
        return Err(ApiError::Unauthorized("session_revoked"));
    }
    if user.disabled_at.is_some() {
        return Err(ApiError::Unauthorized("account_disabled"));
    }
    if unit_disabled {
        return Err(ApiError::Unauthorized("unit_disabled"));
    }
    // Requests never need the hash; it is not kept in memory for them.
    user.password_hash.clear();
    let cached = Arc::new(CachedSession {
        session_id: session.id,
        expires_at: session.expires_at,
        user,
        unit,
    });
    state.sessions.put_shared(stamp, cached.clone());
    Ok(cached)
}

/// The caller of a bearer token, whether or not the account must change
/// its password first.
fn authenticate(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Caller, ApiError>> {
    let state = app_state(req);
    let token = bearer(req);
    let device = device_id(req);
    Box::pin(async move {
        let state = state?;
        let device = device?;
        let token = token.ok_or(ApiError::Unauthorized("missing_token"))?;
        let claims = state.keys.verify(&token).map_err(|e| match e {
            TokenError::Expired => ApiError::Unauthorized("token_expired"),
            _ => ApiError::Unauthorized("invalid_token"),
        })?;
        let session = live_session(&state, claims.sid.clone()).await?;
        if session.user.id.to_string() != claims.sub {
            return Err(ApiError::Unauthorized("invalid_token"));
        }
        Ok(Caller::of_session(session, device))
    })
}

/// An account someone else created (or reset) chooses its own password
/// before anything else: until then every route but changing the password
/// and signing out answers 403 `password_change_required`, as the console
/// sends it to the password page.
impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = authenticate(req);
        Box::pin(async move {
            let caller = caller.await?;
            if caller.session.user.must_change_password {
                return Err(ApiError::Forbidden("password_change_required"));
            }
            Ok(caller)
        })
    }
}

/// A caller who may still have to change the password: for changing it and
/// signing out only.
#[derive(Debug, Clone)]
pub struct PasswordPending(pub Caller);

impl FromRequest for PasswordPending {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = authenticate(req);
        Box::pin(async move { caller.await.map(PasswordPending) })
    }
}

/// Authenticates, then admits only `allowed` roles; a refusal is audited.
fn with_role(
    req: &HttpRequest,
    payload: &mut Payload,
    allowed: &'static [Role],
) -> LocalBoxFuture<'static, Result<Caller, ApiError>> {
    let caller = Caller::from_request(req, payload);
    let state = app_state(req);
    let route = req.match_pattern().unwrap_or_else(|| req.path().to_owned());
    let method = req.method().to_string();
    Box::pin(async move {
        let caller = caller.await?;
        if allowed.contains(&caller.role()) {
            return Ok(caller);
        }
        let entry = caller
            .actor
            .audit("auth.permission_denied", "route")
            .object(format!("{method} {route}"))
            .details(serde_json::json!({"role": caller.role().as_str()}));
        state?
            .db(move |c| write_txn(c, |c| Ok(crate::audit::append(c, entry)?)))
            .await?;
        Err(ApiError::Forbidden("role_not_allowed"))
    })
}

macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, [$($role:ident),+]) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl $name {
            pub const ROLES: &'static [Role] = &[$(Role::$role),+];
        }

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let fut = with_role(req, payload, Self::ROLES);
                Box::pin(async move { fut.await.map($name) })
            }
        }
    };
}

role_extractor!(
    /// Any police account: officers, supervisors, administrators.
    Police,
    [Officer, Supervisor, Admin]
);
role_extractor!(
    /// Supervisors and administrators.
    Supervisor,
    [Supervisor, Admin]
);
role_extractor!(
    /// Administrators only.
    Admin,
    [Admin]
);
role_extractor!(
    /// Vendor staff: keyers, verifiers and vendor supervisors.
    VendorStaff,
    [VendorKeyer, VendorVerifier, VendorSupervisor]
);

/// An administrator at headquarters, for city-wide matters (vendors, the
/// violation catalog, box-code keys, the audit log).
#[derive(Debug, Clone)]
pub struct HqAdmin(pub Caller);

impl FromRequest for HqAdmin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = with_role(req, payload, &[Role::Admin]);
        Box::pin(async move {
            let caller = fut.await?;
            caller.actor.ensure_headquarters_admin()?;
            Ok(HqAdmin(caller))
        })
    }
}
