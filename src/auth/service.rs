//! The sign-in, refresh and sign-out flows.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::lockout::{self, Reservation};
use super::store::{self, NewRefresh, SessionRow};
use super::token;
use crate::audit::Entry;
use crate::db::{DbConn, now, write_txn};
use crate::domain::UserId;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::org::directory::{UnitRow, UserRow};
use crate::org::users::{UserView, view};
use crate::password;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "O0111")]
    pub badge: String,
    #[schema(example = "epatrol-demo")]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer`; lives at most 15 minutes.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque, single-use: exchange it at `/auth/refresh` for a new pair.
    pub refresh_token: String,
    pub refresh_expires_in: u64,
    pub user: UserView,
}

/// The throttle key: the badge as typed, normalised, bounded.
fn throttle_key(badge: &str) -> String {
    badge.trim().to_ascii_uppercase().chars().take(64).collect()
}

pub fn login(
    state: &AppState,
    req: LoginRequest,
    device: Option<String>,
) -> ApiResult<TokenResponse> {
    sign_in(
        state,
        req,
        device,
        Duration::days(30),
        |c, session_id, user, unit| issue_pair(c, state, session_id, user.clone(), unit.clone()),
    )
}

/// Checks a badge and password under the lockout, records the outcome in
/// the audit log and, on success, opens a session of `session_ttl` and runs
/// `then` in the same transaction (the handhelds' token pair, the
/// console's cookie). The API and the console share every rule of it.
pub fn sign_in<T>(
    state: &AppState,
    req: LoginRequest,
    device: Option<String>,
    session_ttl: Duration,
    then: impl FnOnce(&mut DbConn, &str, &UserRow, &UnitRow) -> ApiResult<T>,
) -> ApiResult<T> {
    let mut errors = FieldErrors::new();
    if req.badge.trim().is_empty() {
        errors.add("badge", "required", "enter your badge number");
    }
    if req.password.is_empty() {
        errors.add("password", "required", "enter your password");
    }
    if req.password.len() > 1024 {
        errors.add("password", "too_long", "at most 1024 bytes");
    }
    errors.into_result(())?;
    let key = throttle_key(&req.badge);

    // 1. Reserve the attempt (or refuse it) before any hash is computed.
    let account = {
        let mut conn = state.conn()?;
        let reserved = write_txn(&mut conn, |c| -> ApiResult<Result<_, ApiError>> {
            let at = now();
            match lockout::reserve(store::throttle_for_update(c, &key)?.as_ref(), at) {
                Reservation::Locked {
                    retry_after_secs,
                    state: new_lock,
                } => {
                    let mut entries = vec![login_entry("auth.login_locked", None, &device, &key)];
                    if let Some(lock) = new_lock {
                        store::save_throttle(c, &key, &lock)?;
                        entries.push(login_entry("auth.lockout", None, &device, &key));
                    }
                    crate::audit::append_all(c, entries)?;
                    Ok(Err(ApiError::TooManyRequests {
                        code: "account_locked",
                        retry_after_secs,
                    }))
                }
                Reservation::Busy { retry_after_secs } => {
                    crate::audit::append_all(
                        c,
                        vec![login_entry("auth.login_busy", None, &device, &key)],
                    )?;
                    Ok(Err(ApiError::TooManyRequests {
                        code: "sign_in_busy",
                        retry_after_secs,
                    }))
                }
                Reservation::Check { state: reserved } => {
                    store::save_throttle(c, &key, &reserved)?;
                    Ok(Ok(crate::org::directory::user_by_badge(c, &key)?))
                }
            }
        })?;
        // A refusal still commits what it recorded (a new lock, the audit).
        reserved?
    };

    // 2. Verify, against a dummy hash when the badge is unknown.
    let stored = account
        .as_ref()
        .map(|(u, _)| u.password_hash.as_str())
        .unwrap_or_else(|| password::dummy_hash());
    let password_ok = password::verify(stored, &req.password) && account.is_some();

    // 3. Record the outcome.
    let mut conn = state.conn()?;
    let Some((user, unit)) = account.filter(|_| password_ok) else {
        return Err(record_failure(&mut conn, &key, &device)?);
    };
    let refusal = if user.disabled_at.is_some() {
        Some("account_disabled")
    } else if crate::org::directory::unit_disabled_along(&mut conn, &unit.path)? {
        Some("unit_disabled")
    } else {
        None
    };
    if let Some(reason) = refusal {
        write_txn(&mut conn, |c| {
            store::clear_throttle(c, &key)?;
            crate::audit::append(
                c,
                login_entry("auth.login_refused", Some(user.id), &device, &key)
                    .details(serde_json::json!({"badge": key, "reason": reason})),
            )
        })?;
        return Err(ApiError::Forbidden(reason));
    }
    write_txn(&mut conn, |c| {
        store::clear_throttle(c, &key)?;
        let session_id = uuid::Uuid::new_v4().to_string();
        let at = now();
        store::insert_session(
            c,
            &SessionRow {
                id: session_id.clone(),
                user_id: user.id,
                device: device.clone(),
                created_at: at,
                expires_at: at + session_ttl,
                revoked_at: None,
                revoked_reason: None,
            },
        )?;
        let response = then(c, &session_id, &user, &unit)?;
        crate::audit::append(
            c,
            login_entry("auth.login", Some(user.id), &device, &key).unit(unit.id),
        )?;
        Ok(response)
    })
}

fn login_entry(
    action: &'static str,
    user: Option<UserId>,
    device: &Option<String>,
    badge: &str,
) -> Entry {
    let mut e = Entry::new(action, "user").details(serde_json::json!({"badge": badge}));
    e.actor_id = user;
    e.object_id = user.map(|u| u.to_string());
    e.device = device.clone();
    e
}

/// Records a failed sign-in (its attempt was already counted), locking the
/// badge on the fifth, and returns the answer to give, the same whether or
/// not the badge exists.
fn record_failure(conn: &mut DbConn, key: &str, device: &Option<String>) -> ApiResult<ApiError> {
    write_txn(conn, |c| {
        let at = now();
        let mut entries = vec![login_entry("auth.login_failed", None, device, key)];
        let current = store::throttle_for_update(c, key)?;
        if let Some(lock) = lockout::after_failure(current.as_ref(), at) {
            store::save_throttle(c, key, &lock)?;
            entries.push(login_entry("auth.lockout", None, device, key));
        }
        crate::audit::append_all(c, entries)?;
        Ok::<_, ApiError>(())
    })?;
    Ok(ApiError::Unauthorized("invalid_credentials"))
}

/// Issues an access token and a fresh refresh token for a session.
fn issue_pair(
    conn: &mut DbConn,
    state: &AppState,
    session_id: &str,
    user: UserRow,
    unit: UnitRow,
) -> ApiResult<TokenResponse> {
    let role = user.role;
    let ttl = state.settings.access_token_ttl;
    let (access_token, _) = state.keys.issue(user.id, role, unit.id, session_id, ttl)?;
    let refresh_token = token::new_refresh_token();
    let refresh_ttl = state.settings.refresh_token_ttl;
    let at = now();
    store::insert_refresh(
        conn,
        &NewRefresh {
            session_id,
            token_hash: &token::hash_refresh_token(&refresh_token),
            created_at: at,
            expires_at: at + Duration::seconds(refresh_ttl.as_secs() as i64),
        },
    )?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ttl.as_secs(),
        refresh_token,
        refresh_expires_in: refresh_ttl.as_secs(),
        user: view(user, unit)?,
    })
}

/// Rotates a refresh token. Presenting a spent token means it was copied:
/// the whole session (every token descended from the sign-in) is revoked.
pub fn refresh(
    state: &AppState,
    req: RefreshRequest,
    device: Option<String>,
) -> ApiResult<TokenResponse> {
    let hash = token::hash_refresh_token(req.refresh_token.trim());
    let mut conn = state.conn()?;
    let outcome = write_txn(
        &mut conn,
        |c| -> ApiResult<Result<TokenResponse, ApiError>> {
            let Some((token_row, session)) = store::refresh_by_hash(c, &hash)? else {
                return Ok(Err(ApiError::Unauthorized("invalid_refresh_token")));
            };
            let at = now();
            if session.revoked_at.is_some() {
                return Ok(Err(ApiError::Unauthorized("session_revoked")));
            }
            let reused =
                token_row.spent_at.is_some() || !store::spend_refresh(c, token_row.id, at)?;
            if reused {
                crate::sessions::revoke_session(c, &session.id, "refresh_token_reused", at)?;
                crate::audit::append(
                    c,
                    Entry::new("auth.refresh_reuse", "session")
                        .object(&session.id)
                        .actor(session.user_id, device.clone()),
                )?;
                return Ok(Err(ApiError::Unauthorized("refresh_token_reused")));
            }
            if token_row.expires_at <= at || session.expires_at <= at {
                return Ok(Err(ApiError::Unauthorized("refresh_token_expired")));
            }
            let Some((user, unit)) = crate::org::directory::user_by_id(c, session.user_id)? else {
                return Ok(Err(ApiError::Unauthorized("invalid_refresh_token")));
            };
            if user.disabled_at.is_some() {
                return Ok(Err(ApiError::Unauthorized("account_disabled")));
            }
            if crate::org::directory::unit_disabled_along(c, &unit.path)? {
                return Ok(Err(ApiError::Unauthorized("unit_disabled")));
            }
            let response = issue_pair(c, state, &session.id, user, unit.clone())?;
            crate::audit::append(
                c,
                Entry::new("auth.refresh", "session")
                    .object(&session.id)
                    .actor(session.user_id, device.clone())
                    .unit(unit.id),
            )?;
            Ok(Ok(response))
        },
    )?;
    // A refusal still commits what it recorded (a revoked family, the audit).
    outcome
}

pub fn logout(
    conn: &mut DbConn,
    user: UserId,
    session_id: &str,
    device: Option<String>,
) -> ApiResult<()> {
    write_txn(conn, |c| {
        crate::sessions::revoke_session(c, session_id, "logout", now())?;
        crate::audit::append(
            c,
            Entry::new("auth.logout", "session")
                .object(session_id)
                .actor(user, device),
        )?;
        Ok(())
    })
}
