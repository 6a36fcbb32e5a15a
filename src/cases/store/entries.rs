//! Queries on what each person keyed, the mistakes caught before issue,
//! and repeats of the same violation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::status::{CaseStatus, Step};
use crate::db::DbConn;
use crate::db::schema::{case_entries, case_events, cases, near_misses};
use crate::domain::{CaseId, UnitId, UserId, VendorId};
use crate::tickets::plate::VehicleClass;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_entries, treat_none_as_default_value = false)]
pub struct EntryRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub case_id: CaseId,
    pub step: Step,
    pub user_id: UserId,
    pub vendor_id: Option<VendorId>,
    pub plate: String,
    pub vehicle_class: VehicleClass,
    pub article_code: String,
    pub violation_at: NaiveDateTime,
    pub place: Option<String>,
    pub facts: Option<String>,
    pub fine: Option<i32>,
    pub make: Option<String>,
    pub acknowledge: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = near_misses, treat_none_as_default_value = false)]
pub struct NewNearMiss {
    pub case_id: CaseId,
    pub unit_id: UnitId,
    pub vendor_id: Option<VendorId>,
    pub user_id: Option<UserId>,
    pub caught_by: String,
    pub field: String,
    pub code: String,
    pub at: NaiveDateTime,
}

pub fn insert_entry(conn: &mut DbConn, entry: &EntryRow) -> QueryResult<()> {
    diesel::insert_into(case_entries::table)
        .values(entry)
        .execute(conn)?;
    Ok(())
}

/// The entries of a case, oldest first.
pub fn entries_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<EntryRow>> {
    case_entries::table
        .filter(case_entries::case_id.eq(id))
        .order(case_entries::id.asc())
        .select(EntryRow::as_select())
        .load(conn)
}

/// Who did which step of the case: keyed, verified, resolved or reviewed it.
pub fn steps_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<(UserId, Step)>> {
    let mut steps: Vec<(UserId, Step)> = case_entries::table
        .filter(case_entries::case_id.eq(id))
        .select((case_entries::user_id, case_entries::step))
        .load(conn)?;
    let reviewers: Vec<Option<UserId>> = case_events::table
        .filter(case_events::case_id.eq(id))
        .filter(case_events::event.eq_any(["approved", "sent_back"]))
        .select(case_events::actor_id)
        .load(conn)?;
    steps.extend(reviewers.into_iter().flatten().map(|u| (u, Step::Review)));
    Ok(steps)
}

pub fn insert_near_misses(conn: &mut DbConn, rows: &[NewNearMiss]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(near_misses::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Open cases (other than `except`) and ticketed ones naming this plate
/// and article within `window` of `at`: the same violation.
pub fn same_violation_candidates(
    conn: &mut DbConn,
    except: Option<CaseId>,
    plate: &str,
    article: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<CaseId>> {
    // Reported plate/article at intake, or the values keyed since.
    let mut by_report = cases::table
        .filter(cases::reported_plate.eq(plate))
        .filter(cases::reported_article.eq(article))
        .filter(cases::violation_at.between(from, to))
        .filter(cases::status.ne(CaseStatus::Closed))
        .select(cases::id)
        .into_boxed();
    if let Some(e) = except {
        by_report = by_report.filter(cases::id.ne(e));
    }
    let mut found: Vec<CaseId> = by_report.load(conn)?;
    let mut by_keying = case_entries::table
        .inner_join(cases::table)
        .filter(case_entries::plate.eq(plate))
        .filter(case_entries::article_code.eq(article))
        .filter(case_entries::violation_at.between(from, to))
        .filter(cases::status.ne(CaseStatus::Closed))
        .select(cases::id)
        .into_boxed();
    if let Some(e) = except {
        by_keying = by_keying.filter(cases::id.ne(e));
    }
    found.extend(by_keying.load::<CaseId>(conn)?);
    found.sort();
    found.dedup();
    Ok(found)
}
