//! Creating, listing, disabling and enabling accounts, within the actor's reach.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::store::{self, NewUser, UnitRow, UserFilter, UserRow};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Badge, Role, UnitId, UserId, VendorId, parse_name};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::pagination::{Page, PageQuery};
use crate::password;

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitBrief {
    pub id: UnitId,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    #[schema(example = "O0111")]
    pub badge: String,
    #[schema(example = "王小明")]
    pub name: String,
    pub unit: UnitBrief,
    pub role: Role,
    pub vendor_id: Option<VendorId>,
    pub disabled: bool,
    /// Someone else set the password: the owner must choose one
    /// (`POST /api/v1/me/password`) before working.
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

pub fn view(user: UserRow, unit: UnitRow) -> ApiResult<UserView> {
    let role = user.role;
    Ok(UserView {
        id: user.id,
        badge: user.badge,
        name: user.name,
        unit: UnitBrief {
            id: unit.id,
            code: unit.code,
            name: unit.name,
        },
        role,
        vendor_id: user.vendor_id,
        disabled: user.disabled_at.is_some(),
        must_change_password: user.must_change_password,
        created_at: user.created_at.and_utc(),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(example = "O0113")]
    pub badge: String,
    #[schema(example = "林志明")]
    pub name: String,
    pub unit_id: UnitId,
    pub role: Role,
    /// Required for vendor roles, absent for police roles.
    pub vendor_id: Option<VendorId>,
    /// 10–128 characters, not a commonly used password.
    #[schema(example = "a long passphrase", min_length = 10, max_length = 128)]
    pub password: String,
}

/// A validated account with its password already hashed; hashing is slow,
/// so it happens before a database connection is taken.
pub struct PreparedUser {
    badge: Badge,
    name: String,
    unit_id: UnitId,
    role: Role,
    vendor_id: Option<VendorId>,
    password_hash: String,
}

pub fn prepare(actor: &Actor, input: CreateUser) -> ApiResult<PreparedUser> {
    if !actor.role.may_manage(input.role) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let mut errors = FieldErrors::new();
    let badge = Badge::parse_into(&input.badge, "badge", &mut errors);
    let name = parse_name(&input.name, "name", &mut errors);
    password::check_policy(&input.password, "password", &mut errors);
    match (input.role.is_vendor(), input.vendor_id) {
        (true, None) => errors.add("vendor_id", "required", "vendor staff belong to a vendor"),
        (false, Some(_)) => {
            errors.add("vendor_id", "not_allowed", "police accounts have no vendor")
        }
        _ => {}
    }
    let (badge, name) = match errors.into_result((badge, name))? {
        (Some(b), Some(n)) => (b, n),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_input",
                "badge or name missing",
            ));
        }
    };
    Ok(PreparedUser {
        badge,
        name,
        unit_id: input.unit_id,
        role: input.role,
        vendor_id: input.vendor_id,
        password_hash: password::hash(&input.password)?,
    })
}

pub fn create(conn: &mut DbConn, actor: &Actor, user: PreparedUser) -> ApiResult<UserView> {
    write_txn(conn, |conn| {
        let unit = match store::unit_by_id(conn, user.unit_id)? {
            Some(u) if !actor.reaches(&u.path) => {
                return Err(ApiError::Forbidden("outside_your_units"));
            }
            Some(u) if u.disabled_at.is_some() => {
                return Err(ApiError::field(
                    "unit_id",
                    "disabled",
                    "the unit is disabled",
                ));
            }
            Some(u) => u,
            None => return Err(ApiError::field("unit_id", "not_found", "no such unit")),
        };
        if let Some(vendor_id) = user.vendor_id
            && store::vendor_by_id(conn, vendor_id)?.is_none()
        {
            return Err(ApiError::field("vendor_id", "not_found", "no such vendor"));
        }
        let at = now();
        let id = store::insert_user(
            conn,
            &NewUser {
                badge: user.badge.as_str(),
                name: &user.name,
                unit_id: unit.id,
                role: user.role,
                vendor_id: user.vendor_id,
                password_hash: &user.password_hash,
                created_at: at,
                updated_at: at,
            },
        )
        .map_err(ApiError::unique_as(
            "badge_taken",
            "that badge number already has an account",
        ))?;
        // The command line's first accounts are set up by their owners.
        if actor.user_id.is_some() {
            store::require_password_change(conn, id)?;
        }
        crate::audit::append(
            conn,
            actor
                .audit("user.create", "user")
                .object(id)
                .unit(unit.id)
                .details(
                    serde_json::json!({"role": user.role.as_str(), "vendor_id": user.vendor_id}),
                ),
        )?;
        let (row, unit) = store::user_by_id(conn, id)?.ok_or(ApiError::NotFound("user"))?;
        view(row, unit)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    pub unit_id: Option<i64>,
    pub role: Option<Role>,
    pub vendor_id: Option<i64>,
    #[serde(default)]
    pub include_disabled: bool,
}

pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    q: &UserListQuery,
    page: PageQuery,
) -> ApiResult<Page<UserView>> {
    let rows = store::list_users(
        conn,
        &UserFilter {
            within_path: actor.unit_path.as_deref(),
            unit_id: q.unit_id.map(UnitId),
            role: q.role.map(Role::as_str),
            vendor_id: q.vendor_id.map(VendorId),
            include_disabled: q.include_disabled,
            after: page.after,
            limit: page.limit()?,
        },
    )?;
    let views = rows
        .into_iter()
        .map(|(u, unit)| view(u, unit))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page::from_rows(views, page.limit()?, |u| u.id.0))
}

/// An account whose unit the actor reaches; others are "not found".
fn get_reachable(conn: &mut DbConn, actor: &Actor, id: UserId) -> ApiResult<(UserRow, UnitRow)> {
    match store::user_by_id(conn, id)? {
        Some((user, unit)) if actor.reaches(&unit.path) => Ok((user, unit)),
        _ => Err(ApiError::NotFound("user")),
    }
}

pub fn get(conn: &mut DbConn, actor: &Actor, id: UserId) -> ApiResult<UserView> {
    let (user, unit) = get_reachable(conn, actor, id)?;
    view(user, unit)
}

/// Disabling takes effect at once: every sign-in session of the account is
/// revoked, so its access tokens stop working on the next request.
pub fn set_disabled(
    conn: &mut DbConn,
    actor: &Actor,
    id: UserId,
    disabled: bool,
) -> ApiResult<UserView> {
    write_txn(conn, |conn| {
        let (user, unit) = get_reachable(conn, actor, id)?;
        let role = user.role;
        if !actor.role.may_manage(role) {
            return Err(ApiError::Forbidden("role_not_allowed"));
        }
        if actor.user_id == Some(id) {
            return Err(ApiError::conflict(
                "own_account",
                "you cannot disable your own account",
            ));
        }
        if user.disabled_at.is_some() != disabled {
            let at = now();
            store::set_user_disabled(conn, id, disabled.then_some(at), at)?;
            if disabled {
                crate::sessions::revoke_user_sessions(conn, id, "user_disabled", at)?;
            }
            crate::audit::append(
                conn,
                actor
                    .audit(
                        if disabled {
                            "user.disable"
                        } else {
                            "user.enable"
                        },
                        "user",
                    )
                    .object(id)
                    .unit(unit.id),
            )?;
        }
        let (user, unit) = store::user_by_id(conn, id)?.ok_or(ApiError::NotFound("user"))?;
        view(user, unit)
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// 10–128 characters, not a commonly used password.
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    /// 10–128 characters, not a commonly used password.
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// The caller changes their own password; their other sign-ins end.
/// Hashing is slow: call off the async workers, without holding a connection.
pub fn change_own_password(
    pool: &crate::db::Pool,
    actor: &Actor,
    session_id: &str,
    input: &ChangePassword,
) -> ApiResult<()> {
    let id = actor
        .user_id
        .ok_or(ApiError::Forbidden("role_not_allowed"))?;
    let mut errors = FieldErrors::new();
    password::check_policy(&input.new_password, "new_password", &mut errors);
    if input.new_password == input.current_password {
        errors.add("new_password", "unchanged", "choose a different password");
    }
    errors.into_result(())?;
    let stored = {
        let mut conn = pool.get()?;
        store::user_by_id(&mut conn, id)?
            .ok_or(ApiError::NotFound("user"))?
            .0
            .password_hash
    };
    if !password::verify(&stored, &input.current_password) {
        return Err(ApiError::field(
            "current_password",
            "wrong",
            "the current password is not right",
        ));
    }
    let hash = password::hash(&input.new_password)?;
    let mut conn = pool.get()?;
    write_txn(&mut conn, |conn| {
        let at = now();
        store::set_user_password(conn, id, &hash, at, true)?;
        crate::sessions::revoke_other_sessions(conn, id, session_id, "password_changed", at)?;
        // This session goes on, but no longer owes a password change.
        crate::auth::cache::sessions_changed(conn)?;
        crate::audit::append(conn, actor.audit("user.password_change", "user").object(id))?;
        Ok(())
    })
}

/// A manager sets a new password for an account they manage (a forgotten
/// password); every sign-in of that account ends.
pub fn reset_password(
    pool: &crate::db::Pool,
    actor: &Actor,
    id: UserId,
    input: &ResetPassword,
) -> ApiResult<UserView> {
    let mut errors = FieldErrors::new();
    password::check_policy(&input.new_password, "new_password", &mut errors);
    errors.into_result(())?;
    {
        let mut conn = pool.get()?;
        let (user, _) = get_reachable(&mut conn, actor, id)?;
        let role = user.role;
        if !actor.role.may_manage(role) {
            return Err(ApiError::Forbidden("role_not_allowed"));
        }
    }
    let hash = password::hash(&input.new_password)?;
    let mut conn = pool.get()?;
    write_txn(&mut conn, |conn| {
        let at = now();
        store::set_user_password(conn, id, &hash, at, false)?;
        crate::sessions::revoke_user_sessions(conn, id, "password_reset", at)?;
        let (_, unit) = get_reachable(conn, actor, id)?;
        crate::audit::append(
            conn,
            actor
                .audit("user.password_reset", "user")
                .object(id)
                .unit(unit.id),
        )?;
        get(conn, actor, id)
    })
}
