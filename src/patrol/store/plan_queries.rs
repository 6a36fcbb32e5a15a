//! Queries on patrol plans, their officers and boxes.

use crate::db::LiteralLimitDsl;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::json_in::json_in;
use crate::db::schema::{
    patrol_boxes, patrol_plan_boxes, patrol_plan_officers, patrol_plans, units, users,
};
use crate::domain::{BoxId, PlanId, UnitId, UserId};
use crate::org::directory::UnitRow;

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
        .first_row(conn)
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

/// The plans that assign these officers to these boxes, as (officer, box,
/// plan); retired plans too, whose schedules end at their retirement.
pub fn plans_of_officers_at_boxes(
    conn: &mut DbConn,
    officers: &[UserId],
    boxes: &[BoxId],
) -> QueryResult<Vec<(UserId, BoxId, PlanRow)>> {
    if let DbConn::Sqlite(c) = conn {
        return patrol_plans::table
            .inner_join(patrol_plan_officers::table)
            .inner_join(patrol_plan_boxes::table)
            .filter(json_in(patrol_plan_officers::user_id, officers)?)
            .filter(json_in(patrol_plan_boxes::box_id, boxes)?)
            .select((
                patrol_plan_officers::user_id,
                patrol_plan_boxes::box_id,
                PlanRow::as_select(),
            ))
            .load(c);
    }
    patrol_plans::table
        .inner_join(patrol_plan_officers::table)
        .inner_join(patrol_plan_boxes::table)
        .filter(patrol_plan_officers::user_id.eq_any(officers))
        .filter(patrol_plan_boxes::box_id.eq_any(boxes))
        .select((
            patrol_plan_officers::user_id,
            patrol_plan_boxes::box_id,
            PlanRow::as_select(),
        ))
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
