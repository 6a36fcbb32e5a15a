//! Queries on units, vendors and users.

use crate::db::LiteralLimitDsl;
use crate::domain::{Role, UnitKind};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{units, users, vendors};
use crate::domain::{UnitId, UserId, VendorId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub path: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = units)]
pub struct NewUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub path: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = vendors)]
pub struct VendorRow {
    pub id: VendorId,
    pub code: String,
    pub name: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = vendors)]
pub struct NewVendor<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub badge: String,
    pub name: String,
    pub unit_id: UnitId,
    pub role: Role,
    pub vendor_id: Option<VendorId>,
    pub password_hash: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set by whoever created or reset the account; cleared when its owner
    /// chooses a password.
    pub must_change_password: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub badge: &'a str,
    pub name: &'a str,
    pub unit_id: UnitId,
    pub role: Role,
    pub vendor_id: Option<VendorId>,
    pub password_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn unit_by_id(conn: &mut DbConn, id: UnitId) -> QueryResult<Option<UnitRow>> {
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first_row(conn)
        .optional()
}

pub fn unit_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<UnitRow>> {
    units::table
        .filter(units::code.eq(code))
        .select(UnitRow::as_select())
        .first_row(conn)
        .optional()
}

/// Inserts a unit and sets its materialised path from its new id.
pub fn insert_unit(
    conn: &mut DbConn,
    new: &NewUnit<'_>,
    parent_path: &str,
) -> QueryResult<UnitRow> {
    let id: UnitId = diesel::insert_into(units::table)
        .values(new)
        .returning(units::id)
        .get_result(conn)?;
    let path = format!(
        "{parent_path}{id}/",
        parent_path = if parent_path.is_empty() {
            "/"
        } else {
            parent_path
        }
    );
    diesel::update(units::table.find(id))
        .set(units::path.eq(&path))
        .execute(conn)?;
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first_row(conn)
}

pub struct UnitFilter<'a> {
    pub within_path: Option<&'a str>,
    pub parent_id: Option<UnitId>,
    pub kind: Option<&'a str>,
    pub include_disabled: bool,
    pub after: Option<i64>,
    pub limit: i64,
}

pub fn list_units(conn: &mut DbConn, f: &UnitFilter<'_>) -> QueryResult<Vec<UnitRow>> {
    let mut q = units::table.select(UnitRow::as_select()).into_boxed();
    if let Some(path) = f.within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(parent) = f.parent_id {
        q = q.filter(units::parent_id.eq(parent));
    }
    if let Some(kind) = f.kind {
        q = q.filter(units::kind.eq(kind.to_owned()));
    }
    if !f.include_disabled {
        q = q.filter(units::disabled_at.is_null());
    }
    if let Some(after) = f.after {
        q = q.filter(units::id.gt(UnitId(after)));
    }
    q.order(units::id.asc()).limit(f.limit + 1).load(conn)
}

pub fn count_units(conn: &mut DbConn) -> QueryResult<i64> {
    units::table.count().get_result(conn)
}

pub fn set_unit_disabled(
    conn: &mut DbConn,
    id: UnitId,
    at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(units::table.find(id))
        .set(units::disabled_at.eq(at))
        .execute(conn)
}

pub fn vendor_by_id(conn: &mut DbConn, id: VendorId) -> QueryResult<Option<VendorRow>> {
    vendors::table
        .find(id)
        .select(VendorRow::as_select())
        .first_row(conn)
        .optional()
}

pub fn vendor_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<VendorRow>> {
    vendors::table
        .filter(vendors::code.eq(code))
        .select(VendorRow::as_select())
        .first_row(conn)
        .optional()
}

pub fn insert_vendor(conn: &mut DbConn, new: &NewVendor<'_>) -> QueryResult<VendorRow> {
    let id: VendorId = diesel::insert_into(vendors::table)
        .values(new)
        .returning(vendors::id)
        .get_result(conn)?;
    vendors::table
        .find(id)
        .select(VendorRow::as_select())
        .first_row(conn)
}

pub fn list_vendors(conn: &mut DbConn) -> QueryResult<Vec<VendorRow>> {
    vendors::table
        .select(VendorRow::as_select())
        .order(vendors::id.asc())
        .load(conn)
}

pub fn user_by_id(conn: &mut DbConn, id: UserId) -> QueryResult<Option<(UserRow, UnitRow)>> {
    users::table
        .inner_join(units::table)
        .filter(users::id.eq(id))
        .select((UserRow::as_select(), UnitRow::as_select()))
        .first_row(conn)
        .optional()
}

pub fn user_by_badge(conn: &mut DbConn, badge: &str) -> QueryResult<Option<(UserRow, UnitRow)>> {
    users::table
        .inner_join(units::table)
        .filter(users::badge.eq(badge))
        .select((UserRow::as_select(), UnitRow::as_select()))
        .first_row(conn)
        .optional()
}

/// Whether the unit with this materialised path, or any unit above it, is
/// disabled: disabling a unit shuts out its whole subtree.
pub fn unit_disabled_along(conn: &mut DbConn, path: &str) -> QueryResult<bool> {
    let ids: Vec<i64> = path
        .split('/')
        .filter_map(|part| part.parse().ok())
        .collect();
    let disabled: i64 = units::table
        .filter(units::id.eq_any(ids))
        .filter(units::disabled_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(disabled > 0)
}

pub fn insert_user(conn: &mut DbConn, new: &NewUser<'_>) -> QueryResult<UserId> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)
}

pub struct UserFilter<'a> {
    pub within_path: Option<&'a str>,
    pub unit_id: Option<UnitId>,
    pub role: Option<&'a str>,
    pub vendor_id: Option<VendorId>,
    pub include_disabled: bool,
    pub after: Option<i64>,
    pub limit: i64,
}

pub fn list_users(conn: &mut DbConn, f: &UserFilter<'_>) -> QueryResult<Vec<(UserRow, UnitRow)>> {
    let mut q = users::table
        .inner_join(units::table)
        .select((UserRow::as_select(), UnitRow::as_select()))
        .into_boxed();
    if let Some(path) = f.within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(unit) = f.unit_id {
        q = q.filter(users::unit_id.eq(unit));
    }
    if let Some(role) = f.role {
        q = q.filter(users::role.eq(role.to_owned()));
    }
    if let Some(vendor) = f.vendor_id {
        q = q.filter(users::vendor_id.eq(vendor));
    }
    if !f.include_disabled {
        q = q.filter(users::disabled_at.is_null());
    }
    if let Some(after) = f.after {
        q = q.filter(users::id.gt(UserId(after)));
    }
    q.order(users::id.asc()).limit(f.limit + 1).load(conn)
}

pub fn set_user_disabled(
    conn: &mut DbConn,
    id: UserId,
    at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::disabled_at.eq(at), users::updated_at.eq(now)))
        .execute(conn)
}

/// Sets an account's password; `chosen_by_owner` is false when someone
/// else set it, so the owner must choose their own at the next sign-in.
pub fn set_user_password(
    conn: &mut DbConn,
    id: UserId,
    hash: &str,
    now: NaiveDateTime,
    chosen_by_owner: bool,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::updated_at.eq(now),
            users::must_change_password.eq(!chosen_by_owner),
        ))
        .execute(conn)
}

/// Marks an account created by someone else: its owner chooses a password
/// at the first sign-in.
pub fn require_password_change(conn: &mut DbConn, id: UserId) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::must_change_password.eq(true))
        .execute(conn)
}
