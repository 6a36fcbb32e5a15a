//! Queries on patrol boxes, box-code keys, plans and check-ins.

use super::checkin::{CheckinKind, CheckinStatus};
use super::clock::TimeSource;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    box_code_keys, checkin_reviews, checkins, patrol_boxes, patrol_plan_boxes,
    patrol_plan_officers, patrol_plans, units, users,
};
use crate::domain::{BoxId, CheckinId, PlanId, UnitId, UserId};
use crate::org::store::UnitRow;

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
        .first::<Option<i32>>(conn)
        .map(|v| v.unwrap_or(1))
}

/// Whether stickers signed with `version` are still honoured.
pub fn key_version_in_force(conn: &mut DbConn, version: i32) -> QueryResult<bool> {
    let found: Option<Option<NaiveDateTime>> = box_code_keys::table
        .find(version)
        .select(box_code_keys::retired_at)
        .first(conn)
        .optional()?;
    Ok(matches!(found, Some(None)))
}

pub fn add_key_version(conn: &mut DbConn, at: NaiveDateTime) -> QueryResult<i32> {
    let max: Option<i32> = box_code_keys::table
        .select(diesel::dsl::max(box_code_keys::version))
        .first(conn)?;
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
        .first(conn)
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

// ---- plans ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = patrol_plans)]
pub struct PlanRow {
    pub id: PlanId,
    pub unit_id: UnitId,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub weekdays: i32,
    pub window_start_min: i32,
    pub window_end_min: i32,
    pub visits_per_window: i32,
    pub ordered: bool,
    pub grace_minutes: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = patrol_plans)]
pub struct NewPlan {
    pub unit_id: UnitId,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub weekdays: i32,
    pub window_start_min: i32,
    pub window_end_min: i32,
    pub visits_per_window: i32,
    pub ordered: bool,
    pub grace_minutes: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn insert_plan(
    conn: &mut DbConn,
    new: &NewPlan,
    officers: &[UserId],
    boxes: &[BoxId],
) -> QueryResult<PlanId> {
    let id: PlanId = diesel::insert_into(patrol_plans::table)
        .values(new)
        .returning(patrol_plans::id)
        .get_result(conn)?;
    for officer in officers {
        diesel::insert_into(patrol_plan_officers::table)
            .values((
                patrol_plan_officers::plan_id.eq(id),
                patrol_plan_officers::user_id.eq(*officer),
            ))
            .execute(conn)?;
    }
    for (position, b) in boxes.iter().enumerate() {
        diesel::insert_into(patrol_plan_boxes::table)
            .values((
                patrol_plan_boxes::plan_id.eq(id),
                patrol_plan_boxes::box_id.eq(*b),
                patrol_plan_boxes::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn plan_with_unit(conn: &mut DbConn, id: PlanId) -> QueryResult<Option<(PlanRow, UnitRow)>> {
    patrol_plans::table
        .inner_join(units::table)
        .filter(patrol_plans::id.eq(id))
        .select((PlanRow::as_select(), UnitRow::as_select()))
        .first(conn)
        .optional()
}

pub fn plan_officers(conn: &mut DbConn, id: PlanId) -> QueryResult<Vec<(UserId, String)>> {
    patrol_plan_officers::table
        .inner_join(users::table)
        .filter(patrol_plan_officers::plan_id.eq(id))
        .order(users::id.asc())
        .select((users::id, users::badge))
        .load(conn)
}

pub fn plan_boxes(conn: &mut DbConn, id: PlanId) -> QueryResult<Vec<(BoxId, String)>> {
    patrol_plan_boxes::table
        .inner_join(patrol_boxes::table)
        .filter(patrol_plan_boxes::plan_id.eq(id))
        .order(patrol_plan_boxes::position.asc())
        .select((patrol_boxes::id, patrol_boxes::code))
        .load(conn)
}

pub fn retire_plan(conn: &mut DbConn, id: PlanId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        patrol_plans::table
            .find(id)
            .filter(patrol_plans::retired_at.is_null()),
    )
    .set(patrol_plans::retired_at.eq(at))
    .execute(conn)
}

pub fn list_plans(
    conn: &mut DbConn,
    within_path: Option<&str>,
    include_retired: bool,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(PlanRow, UnitRow)>> {
    let mut q = patrol_plans::table
        .inner_join(units::table)
        .select((PlanRow::as_select(), UnitRow::as_select()))
        .into_boxed();
    if let Some(path) = within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if !include_retired {
        q = q.filter(patrol_plans::retired_at.is_null());
    }
    if let Some(after) = after {
        q = q.filter(patrol_plans::id.gt(PlanId(after)));
    }
    q.order(patrol_plans::id.asc()).limit(limit + 1).load(conn)
}

/// Plans (not retired before `at`) that assign `officer` to `box_id`.
pub fn plans_for(conn: &mut DbConn, officer: UserId, box_id: BoxId) -> QueryResult<Vec<PlanRow>> {
    patrol_plans::table
        .inner_join(patrol_plan_officers::table)
        .inner_join(patrol_plan_boxes::table)
        .filter(patrol_plan_officers::user_id.eq(officer))
        .filter(patrol_plan_boxes::box_id.eq(box_id))
        .select(PlanRow::as_select())
        .load(conn)
}

/// Plans of units within `path` that may have windows between the dates.
pub fn plans_between(
    conn: &mut DbConn,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<PlanRow>> {
    patrol_plans::table
        .inner_join(units::table)
        .filter(units::path.like(format!("{path}%")))
        .filter(patrol_plans::starts_on.le(to))
        .filter(patrol_plans::ends_on.ge(from))
        .select(PlanRow::as_select())
        .order(patrol_plans::id.asc())
        .load(conn)
}

/// Who and what each plan assigns: (plan, officer) and (plan, box) pairs.
pub type PlanMembers = (Vec<(PlanId, UserId)>, Vec<(PlanId, BoxId)>);

pub fn plan_members(conn: &mut DbConn, plans: &[PlanId]) -> QueryResult<PlanMembers> {
    let officers = patrol_plan_officers::table
        .filter(patrol_plan_officers::plan_id.eq_any(plans))
        .select((patrol_plan_officers::plan_id, patrol_plan_officers::user_id))
        .load(conn)?;
    let boxes = patrol_plan_boxes::table
        .filter(patrol_plan_boxes::plan_id.eq_any(plans))
        .order(patrol_plan_boxes::position.asc())
        .select((patrol_plan_boxes::plan_id, patrol_plan_boxes::box_id))
        .load(conn)?;
    Ok((officers, boxes))
}

// ---- check-ins ----

/// A stored check-in: its id and what was recorded.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = checkins)]
pub struct CheckinRow {
    pub id: CheckinId,
    #[diesel(embed)]
    pub scan: NewCheckin,
}

impl std::ops::Deref for CheckinRow {
    type Target = NewCheckin;
    fn deref(&self) -> &NewCheckin {
        &self.scan
    }
}

/// What a check-in records, as inserted and as read back.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = checkins, treat_none_as_default_value = false)]
pub struct NewCheckin {
    pub client_id: String,
    pub officer_id: UserId,
    pub box_id: BoxId,
    pub unit_id: UnitId,
    pub kind: CheckinKind,
    pub occurred_at: NaiveDateTime,
    pub time_source: TimeSource,
    pub device_time: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub distance_m: f64,
    pub mock_location: bool,
    pub status: CheckinStatus,
    pub flags: String,
    pub plan_id: Option<PlanId>,
    pub device: Option<String>,
    /// Digest of the scan as uploaded (see `idempotency`).
    pub request_fingerprint: Option<String>,
    /// Device clock minus the proven scan time, when the monotonic clock
    /// proved it.
    pub clock_offset_ms: Option<i64>,
}

/// Inserts a check-in unless one with its client id exists (an identical
/// upload racing this one): then `None`, and the other row is the answer.
pub fn insert_checkin(conn: &mut DbConn, new: &NewCheckin) -> QueryResult<Option<CheckinId>> {
    crate::each_backend!(conn, |c| diesel::insert_into(checkins::table)
        .values(new)
        .on_conflict(checkins::client_id)
        .do_nothing()
        .returning(checkins::id)
        .get_result(c)
        .optional())
}

pub fn checkins_by_client_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<CheckinRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut rows = checkins::table
            .filter(checkins::client_id.eq_any(chunk))
            .select(CheckinRow::as_select())
            .load(conn)?;
        out.append(&mut rows);
    }
    Ok(out)
}

pub fn checkin_by_client_id(conn: &mut DbConn, client_id: &str) -> QueryResult<Option<CheckinRow>> {
    checkins::table
        .filter(checkins::client_id.eq(client_id))
        .select(CheckinRow::as_select())
        .first(conn)
        .optional()
}

pub fn checkin_with_unit(
    conn: &mut DbConn,
    id: CheckinId,
) -> QueryResult<Option<(CheckinRow, UnitRow)>> {
    checkins::table
        .inner_join(units::table)
        .filter(checkins::id.eq(id))
        .select((CheckinRow::as_select(), UnitRow::as_select()))
        .first(conn)
        .optional()
}

/// The officer's check-ins nearest before and after `at`, for the travel check.
pub fn officer_neighbours(
    conn: &mut DbConn,
    officer: UserId,
    at: NaiveDateTime,
) -> QueryResult<(Option<CheckinRow>, Option<CheckinRow>)> {
    let before = checkins::table
        .filter(checkins::officer_id.eq(officer))
        .filter(checkins::occurred_at.le(at))
        .order(checkins::occurred_at.desc())
        .select(CheckinRow::as_select())
        .first(conn)
        .optional()?;
    let after = checkins::table
        .filter(checkins::officer_id.eq(officer))
        .filter(checkins::occurred_at.gt(at))
        .order(checkins::occurred_at.asc())
        .select(CheckinRow::as_select())
        .first(conn)
        .optional()?;
    Ok((before, after))
}

/// The officer's latest check-in at one box in `since..=until` whose kind is
/// one of `kinds`.
pub fn latest_at_box(
    conn: &mut DbConn,
    officer: UserId,
    box_id: BoxId,
    kinds: &[&str],
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Option<CheckinRow>> {
    checkins::table
        .filter(checkins::officer_id.eq(officer))
        .filter(checkins::box_id.eq(box_id))
        .filter(checkins::occurred_at.between(since, until))
        .filter(checkins::kind.eq_any(kinds))
        .order(checkins::occurred_at.desc())
        .select(CheckinRow::as_select())
        .first(conn)
        .optional()
}

pub struct CheckinFilter<'a> {
    pub within_path: Option<&'a str>,
    pub officer_id: Option<UserId>,
    pub box_id: Option<BoxId>,
    pub status: Option<&'a str>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub after: Option<i64>,
    pub limit: i64,
}

pub fn list_checkins(conn: &mut DbConn, f: &CheckinFilter<'_>) -> QueryResult<Vec<CheckinRow>> {
    let mut q = checkins::table
        .inner_join(units::table)
        .select(CheckinRow::as_select())
        .into_boxed();
    if let Some(path) = f.within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(o) = f.officer_id {
        q = q.filter(checkins::officer_id.eq(o));
    }
    if let Some(b) = f.box_id {
        q = q.filter(checkins::box_id.eq(b));
    }
    if let Some(s) = f.status {
        q = q.filter(checkins::status.eq(s.to_owned()));
    }
    if let Some(from) = f.from {
        q = q.filter(checkins::occurred_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(checkins::occurred_at.lt(to));
    }
    if let Some(after) = f.after {
        q = q.filter(checkins::id.gt(CheckinId(after)));
    }
    q.order(checkins::id.asc()).limit(f.limit + 1).load(conn)
}

/// What the coverage report needs of a check-in: (id, officer, box, time, kind, status).
pub type VisitRow = (CheckinId, UserId, BoxId, NaiveDateTime, String, String);

/// The check-ins at the given boxes in a time range.
pub fn visits_at_boxes(
    conn: &mut DbConn,
    boxes: &[BoxId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<VisitRow>> {
    let mut out = Vec::new();
    for chunk in boxes.chunks(500) {
        let mut rows = checkins::table
            .filter(checkins::box_id.eq_any(chunk))
            .filter(checkins::occurred_at.between(from, to))
            .select((
                checkins::id,
                checkins::officer_id,
                checkins::box_id,
                checkins::occurred_at,
                checkins::kind,
                checkins::status,
            ))
            .load(conn)?;
        out.append(&mut rows);
    }
    Ok(out)
}

pub fn badges(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::badge, users::name))
        .load(conn)
}

pub fn boxes_by_ids(conn: &mut DbConn, ids: &[BoxId]) -> QueryResult<Vec<BoxRow>> {
    patrol_boxes::table
        .filter(patrol_boxes::id.eq_any(ids))
        .select(BoxRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = checkin_reviews)]
pub struct ReviewRow {
    pub id: i64,
    pub checkin_id: CheckinId,
    pub reviewer_id: UserId,
    pub decision: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_review(
    conn: &mut DbConn,
    checkin: CheckinId,
    reviewer: UserId,
    decision: &str,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(checkin_reviews::table)
        .values((
            checkin_reviews::checkin_id.eq(checkin),
            checkin_reviews::reviewer_id.eq(reviewer),
            checkin_reviews::decision.eq(decision),
            checkin_reviews::note.eq(note),
            checkin_reviews::created_at.eq(at),
        ))
        .returning(checkin_reviews::id)
        .get_result(conn)
}

/// The standing (latest) review of each of the given check-ins.
pub fn latest_reviews(
    conn: &mut DbConn,
    ids: &[CheckinId],
) -> QueryResult<std::collections::HashMap<CheckinId, ReviewRow>> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<ReviewRow> = checkin_reviews::table
            .filter(checkin_reviews::checkin_id.eq_any(chunk))
            .order(checkin_reviews::id.asc())
            .select(ReviewRow::as_select())
            .load(conn)?;
        for r in rows {
            out.insert(r.checkin_id, r);
        }
    }
    Ok(out)
}
