//! Patrol plans (勤務表): which officers visit which boxes, on which days,
//! in which window, how often. Plans are never edited; a plan is retired
//! and a new one written, so past coverage keeps the plan it was judged by.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::checkin::schedule_of;
use super::schedule::{format_hhmm, parse_hhmm};
use super::store::{self, NewPlan, PlanRow};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, BoxId, PlanId, Role, UnitId, UserId};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::org::directory::UnitRow;
use crate::org::users::UnitBrief;
use crate::pagination::{Page, PageQuery};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn mask(days: &[Weekday]) -> i32 {
    days.iter()
        .map(|d| 1 << WEEKDAYS.iter().position(|w| w == d).unwrap_or(0))
        .fold(0, |a, b| a | b)
}

fn days(mask: i32) -> Vec<Weekday> {
    WEEKDAYS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, d)| *d)
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    pub unit_id: UnitId,
    #[schema(example = "東門所夜間巡邏")]
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub weekdays: Vec<Weekday>,
    /// Local (Asia/Taipei) "HH:MM".
    #[schema(example = "22:00")]
    pub window_start: String,
    /// Local "HH:MM"; at or before the start means the next day.
    #[schema(example = "02:00")]
    pub window_end: String,
    /// Visits each officer owes each box in each window, 1–24.
    pub visits_per_window: i32,
    /// Whether the boxes are to be visited in the order listed.
    #[serde(default)]
    pub ordered: bool,
    /// Minutes after the window in which a visit still counts, as late.
    #[serde(default)]
    pub grace_minutes: i32,
    pub officer_ids: Vec<UserId>,
    pub box_ids: Vec<BoxId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub id: i64,
    /// Badge of an officer, code of a box.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: PlanId,
    pub unit: UnitBrief,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub weekdays: Vec<Weekday>,
    pub window_start: String,
    pub window_end: String,
    pub visits_per_window: i32,
    pub ordered: bool,
    pub grace_minutes: i32,
    pub officers: Vec<Member>,
    /// In visiting order.
    pub boxes: Vec<Member>,
    pub retired: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanListQuery {
    #[serde(default)]
    pub include_retired: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First local date, e.g. 2026-11-01.
    pub from: NaiveDate,
    /// Last local date, inclusive.
    pub to: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExpectedVisit {
    pub officer_id: UserId,
    pub box_id: BoxId,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub visits: i32,
}

fn ensure_supervisor(actor: &Actor) -> ApiResult<()> {
    if matches!(actor.role, Role::Supervisor | Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("role_not_allowed"))
    }
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: CreatePlan) -> ApiResult<PlanView> {
    ensure_supervisor(actor)?;
    let mut errors = FieldErrors::new();
    let name = crate::domain::parse_name(&input.name, "name", &mut errors).unwrap_or_default();
    if input.ends_on < input.starts_on {
        errors.add("ends_on", "before_start", "the plan ends before it starts");
    } else if (input.ends_on - input.starts_on).num_days() > 366 {
        errors.add("ends_on", "too_long", "a plan runs for at most a year");
    }
    if input.weekdays.is_empty() {
        errors.add("weekdays", "required", "name at least one day");
    }
    let start = parse_hhmm(&input.window_start);
    let end = parse_hhmm(&input.window_end);
    if start.is_none() {
        errors.add("window_start", "format", "local time as HH:MM");
    }
    if end.is_none() {
        errors.add("window_end", "format", "local time as HH:MM");
    }
    if !(1..=24).contains(&input.visits_per_window) {
        errors.add("visits_per_window", "out_of_range", "1 to 24 visits");
    }
    if !(0..=240).contains(&input.grace_minutes) {
        errors.add("grace_minutes", "out_of_range", "0 to 240 minutes");
    }
    if input.officer_ids.is_empty() || input.officer_ids.len() > 50 {
        errors.add("officer_ids", "count", "1 to 50 officers");
    }
    if input.box_ids.is_empty() || input.box_ids.len() > 200 {
        errors.add("box_ids", "count", "1 to 200 boxes");
    }
    let mut officers = input.officer_ids.clone();
    officers.sort();
    officers.dedup();
    let mut unique_boxes = input.box_ids.clone();
    unique_boxes.sort();
    unique_boxes.dedup();
    if unique_boxes.len() != input.box_ids.len() {
        errors.add("box_ids", "duplicate", "a box is listed twice");
    }
    write_txn(conn, |conn| {
        let unit = match crate::org::directory::unit_by_id(conn, input.unit_id)? {
            Some(u) if actor.reaches(&u.path) => Some(u),
            Some(_) => return Err(ApiError::Forbidden("outside_your_units")),
            None => {
                errors.add("unit_id", "not_found", "no such unit");
                None
            }
        };
        if let Some(unit) = &unit {
            for (i, id) in officers.iter().enumerate() {
                match crate::org::directory::user_by_id(conn, *id)? {
                    Some((u, uu))
                        if uu.path.starts_with(&unit.path)
                            && u.disabled_at.is_none()
                            && u.role.is_police() => {}
                    _ => errors.add(
                        format!("officer_ids[{i}]"),
                        "not_in_unit",
                        "no active police account of this unit",
                    ),
                }
            }
            for (i, id) in input.box_ids.iter().enumerate() {
                match store::box_with_unit(conn, *id)? {
                    Some((b, bu)) if bu.path.starts_with(&unit.path) && b.retired_at.is_none() => {}
                    _ => errors.add(
                        format!("box_ids[{i}]"),
                        "not_in_unit",
                        "no active box of this unit",
                    ),
                }
            }
        }
        let unit = std::mem::take(&mut errors)
            .into_result(unit)?
            .ok_or(ApiError::NotFound("unit"))?;
        let id = store::insert_plan(
            conn,
            &NewPlan {
                unit_id: unit.id,
                name: name.clone(),
                starts_on: input.starts_on,
                ends_on: input.ends_on,
                weekdays: mask(&input.weekdays),
                window_start_min: start.unwrap_or_default(),
                window_end_min: end.unwrap_or_default(),
                visits_per_window: input.visits_per_window,
                ordered: input.ordered,
                grace_minutes: input.grace_minutes,
                created_by: actor.user_id,
                created_at: now(),
            },
            &officers,
            &input.box_ids,
        )?;
        crate::audit::append(
            conn,
            actor
                .audit("plan.create", "patrol_plan")
                .object(id)
                .unit(unit.id)
                .details(serde_json::json!({"officers": officers, "boxes": input.box_ids})),
        )?;
        get(conn, actor, id)
    })
}

fn plan_view(conn: &mut DbConn, plan: PlanRow, unit: UnitRow) -> ApiResult<PlanView> {
    let officers = store::plan_officers(conn, plan.id)?
        .into_iter()
        .map(|(id, code)| Member { id: id.0, code })
        .collect();
    let boxes = store::plan_boxes(conn, plan.id)?
        .into_iter()
        .map(|(id, code)| Member { id: id.0, code })
        .collect();
    Ok(PlanView {
        id: plan.id,
        unit: UnitBrief {
            id: unit.id,
            code: unit.code,
            name: unit.name,
        },
        name: plan.name,
        starts_on: plan.starts_on,
        ends_on: plan.ends_on,
        weekdays: days(plan.weekdays),
        window_start: format_hhmm(plan.window_start_min),
        window_end: format_hhmm(plan.window_end_min),
        visits_per_window: plan.visits_per_window,
        ordered: plan.ordered,
        grace_minutes: plan.grace_minutes,
        officers,
        boxes,
        retired: plan.retired_at.is_some(),
        created_at: plan.created_at.and_utc(),
    })
}

fn get_reachable(conn: &mut DbConn, actor: &Actor, id: PlanId) -> ApiResult<(PlanRow, UnitRow)> {
    match store::plan_with_unit(conn, id)? {
        Some((p, u)) if actor.reaches(&u.path) => Ok((p, u)),
        _ => Err(ApiError::NotFound("patrol plan")),
    }
}

pub fn get(conn: &mut DbConn, actor: &Actor, id: PlanId) -> ApiResult<PlanView> {
    let (p, u) = get_reachable(conn, actor, id)?;
    plan_view(conn, p, u)
}

pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    q: &PlanListQuery,
    page: PageQuery,
) -> ApiResult<Page<PlanView>> {
    let rows = store::list_plans(
        conn,
        actor.unit_path.as_deref(),
        q.include_retired,
        page.after,
        page.limit()?,
    )?;
    let mut views = Vec::with_capacity(rows.len());
    for (p, u) in rows {
        views.push(plan_view(conn, p, u)?);
    }
    Ok(Page::from_rows(views, page.limit()?, |p| p.id.0))
}

pub fn retire(conn: &mut DbConn, actor: &Actor, id: PlanId) -> ApiResult<PlanView> {
    ensure_supervisor(actor)?;
    write_txn(conn, |conn| {
        let (p, _) = get_reachable(conn, actor, id)?;
        if p.retired_at.is_none() {
            store::retire_plan(conn, id, now())?;
            crate::audit::append(
                conn,
                actor
                    .audit("plan.retire", "patrol_plan")
                    .object(id)
                    .unit(p.unit_id),
            )?;
        }
        get(conn, actor, id)
    })
}

/// The plan expanded into expected visits for a period.
pub fn expected(
    conn: &mut DbConn,
    actor: &Actor,
    id: PlanId,
    period: &PeriodQuery,
) -> ApiResult<Vec<ExpectedVisit>> {
    check_period(period)?;
    let (p, _) = get_reachable(conn, actor, id)?;
    let officers = store::plan_officers(conn, id)?;
    let boxes = store::plan_boxes(conn, id)?;
    let mut out = Vec::new();
    for w in schedule_of(&p).windows(period.from, period.to) {
        for (officer, _) in &officers {
            for (b, _) in &boxes {
                out.push(ExpectedVisit {
                    officer_id: *officer,
                    box_id: *b,
                    window_start: w.start.and_utc(),
                    window_end: w.end.and_utc(),
                    visits: p.visits_per_window,
                });
            }
        }
    }
    Ok(out)
}

pub fn check_period(period: &PeriodQuery) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    if period.to < period.from {
        errors.add("to", "before_from", "the period ends before it starts");
    } else if (period.to - period.from).num_days() > 92 {
        errors.add("to", "too_long", "at most 93 days at once");
    }
    errors.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_masks_round_trip() {
        let d = vec![Weekday::Mon, Weekday::Fri, Weekday::Sun];
        assert_eq!(mask(&d), 0b1010001);
        assert_eq!(days(mask(&d)), d);
    }
}
