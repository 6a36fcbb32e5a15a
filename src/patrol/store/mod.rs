//! Queries on patrol boxes, box-code keys, plans and check-ins; the plans
//! and check-ins in files of their own.

mod checkin_queries;
mod checkins_unnest;
mod plan_queries;
mod scans_around;

pub use checkin_queries::*;
pub use plan_queries::*;
pub use scans_around::*;

use crate::db::LiteralLimitDsl;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{box_code_keys, patrol_boxes, units};
use crate::domain::{BoxId, UnitId};
use crate::org::directory::UnitRow;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = patrol_boxes)]
pub struct BoxRow {
    pub id: BoxId,
    pub code: String,
    pub unit_id: UnitId,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub radius_m: f64,
    pub min_dwell_secs: Option<i32>,
    pub code_serial: i32,
    pub retired_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = patrol_boxes)]
pub struct NewBox {
    pub code: String,
    pub unit_id: UnitId,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub radius_m: f64,
    pub min_dwell_secs: Option<i32>,
    pub code_serial: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = patrol_boxes)]
pub struct BoxChanges {
    pub name: Option<String>,
    pub address: Option<String>,
    pub unit_id: Option<UnitId>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub radius_m: Option<f64>,
    pub min_dwell_secs: Option<Option<i32>>,
    pub code_serial: Option<i32>,
    pub retired_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn current_key_version(conn: &mut DbConn) -> QueryResult<i32> {
    box_code_keys::table
        .filter(box_code_keys::retired_at.is_null())
        .select(diesel::dsl::max(box_code_keys::version))
        .get_result::<Option<i32>>(conn)
        .map(|v| v.unwrap_or(1))
}

/// Whether stickers signed with `version` are still honoured.
pub fn key_version_in_force(conn: &mut DbConn, version: i32) -> QueryResult<bool> {
    let found: Option<Option<NaiveDateTime>> = box_code_keys::table
        .find(version)
        .select(box_code_keys::retired_at)
        .first_row(conn)
        .optional()?;
    Ok(matches!(found, Some(None)))
}

pub fn add_key_version(conn: &mut DbConn, at: NaiveDateTime) -> QueryResult<i32> {
    let max: Option<i32> = box_code_keys::table
        .select(diesel::dsl::max(box_code_keys::version))
        .first_row(conn)?;
    let version = max.unwrap_or(0) + 1;
    diesel::insert_into(box_code_keys::table)
        .values((
            box_code_keys::version.eq(version),
            box_code_keys::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(version)
}

/// Every key version: (version, created, retired).
pub fn key_versions(
    conn: &mut DbConn,
) -> QueryResult<Vec<(i32, NaiveDateTime, Option<NaiveDateTime>)>> {
    box_code_keys::table
        .order(box_code_keys::version.asc())
        .select((
            box_code_keys::version,
            box_code_keys::created_at,
            box_code_keys::retired_at,
        ))
        .load(conn)
}

pub fn retire_key_version(
    conn: &mut DbConn,
    version: i32,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        box_code_keys::table
            .find(version)
            .filter(box_code_keys::retired_at.is_null()),
    )
    .set(box_code_keys::retired_at.eq(at))
    .execute(conn)
}

pub fn insert_box(conn: &mut DbConn, new: &NewBox) -> QueryResult<BoxId> {
    diesel::insert_into(patrol_boxes::table)
        .values(new)
        .returning(patrol_boxes::id)
        .get_result(conn)
}

pub fn box_with_unit(conn: &mut DbConn, id: BoxId) -> QueryResult<Option<(BoxRow, UnitRow)>> {
    patrol_boxes::table
        .inner_join(units::table)
        .filter(patrol_boxes::id.eq(id))
        .select((BoxRow::as_select(), UnitRow::as_select()))
        .first_row(conn)
        .optional()
}

pub fn box_codes_taken(conn: &mut DbConn, codes: &[String]) -> QueryResult<Vec<String>> {
    let mut taken = Vec::new();
    for chunk in codes.chunks(500) {
        let mut found: Vec<String> = patrol_boxes::table
            .filter(patrol_boxes::code.eq_any(chunk))
            .select(patrol_boxes::code)
            .load(conn)?;
        taken.append(&mut found);
    }
    Ok(taken)
}

pub fn update_box(conn: &mut DbConn, id: BoxId, changes: &BoxChanges) -> QueryResult<usize> {
    diesel::update(patrol_boxes::table.find(id))
        .set(changes)
        .execute(conn)
}

pub struct BoxFilter<'a> {
    pub within_path: Option<&'a str>,
    pub unit_id: Option<UnitId>,
    pub include_retired: bool,
    pub after: Option<i64>,
    pub limit: i64,
}

pub fn list_boxes(conn: &mut DbConn, f: &BoxFilter<'_>) -> QueryResult<Vec<(BoxRow, UnitRow)>> {
    let mut q = patrol_boxes::table
        .inner_join(units::table)
        .select((BoxRow::as_select(), UnitRow::as_select()))
        .into_boxed();
    if let Some(path) = f.within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(unit) = f.unit_id {
        q = q.filter(patrol_boxes::unit_id.eq(unit));
    }
    if !f.include_retired {
        q = q.filter(patrol_boxes::retired_at.is_null());
    }
    if let Some(after) = f.after {
        q = q.filter(patrol_boxes::id.gt(BoxId(after)));
    }
    q.order(patrol_boxes::id.asc())
        .limit(f.limit + 1)
        .load(conn)
}
