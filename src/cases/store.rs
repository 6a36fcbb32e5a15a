//! Queries on cases, their evidence, entries, near misses and events.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::status::{CaseStatus, CloseReason, Step};
use crate::db::DbConn;
use crate::db::schema::{
    case_entries, case_events, case_evidence, cases, evidence_files, near_misses, units,
};
use crate::domain::{CaseId, TicketId, UnitId, UserId, VendorId};
use crate::tickets::catalog::TicketKind;
use crate::tickets::plate::VehicleClass;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: CaseId,
    pub client_id: String,
    pub request_fingerprint: String,
    pub source: TicketKind,
    pub unit_id: UnitId,
    pub vendor_id: Option<VendorId>,
    pub violation_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub camera_id: Option<String>,
    pub measured_speed: Option<i32>,
    pub speed_limit: Option<i32>,
    pub signal_phase: Option<String>,
    pub reported_plate: Option<String>,
    pub reported_article: Option<String>,
    pub description: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_contact: Option<String>,
    pub deadline: NaiveDate,
    pub status: CaseStatus,
    pub close_reason: Option<CloseReason>,
    pub duplicate_of: Option<CaseId>,
    pub ticket_id: Option<TicketId>,
    pub claimed_by: Option<UserId>,
    pub claim_expires_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
pub struct NewCase {
    pub client_id: String,
    pub request_fingerprint: String,
    pub source: TicketKind,
    pub unit_id: UnitId,
    pub vendor_id: Option<VendorId>,
    pub violation_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub camera_id: Option<String>,
    pub measured_speed: Option<i32>,
    pub speed_limit: Option<i32>,
    pub signal_phase: Option<String>,
    pub reported_plate: Option<String>,
    pub reported_article: Option<String>,
    pub description: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_contact: Option<String>,
    pub deadline: NaiveDate,
    pub status: CaseStatus,
    pub close_reason: Option<CloseReason>,
    pub duplicate_of: Option<CaseId>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

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

pub fn insert_case(conn: &mut DbConn, new: &NewCase) -> QueryResult<CaseId> {
    crate::each_backend!(conn, |c| diesel::insert_into(cases::table)
        .values(new)
        .returning(cases::id)
        .get_result(c))
}

pub fn case_by_id(conn: &mut DbConn, id: CaseId) -> QueryResult<Option<(CaseRow, String)>> {
    cases::table
        .inner_join(units::table)
        .filter(cases::id.eq(id))
        .select((CaseRow::as_select(), units::path))
        .first(conn)
        .optional()
}

pub fn case_by_client_id(conn: &mut DbConn, client_id: &str) -> QueryResult<Option<CaseRow>> {
    cases::table
        .filter(cases::client_id.eq(client_id))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Moves a case to `status`, releasing any claim.
pub fn set_status(
    conn: &mut DbConn,
    id: CaseId,
    status: CaseStatus,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(cases::table.filter(cases::id.eq(id)))
        .set((
            cases::status.eq(status),
            cases::claimed_by.eq(None::<UserId>),
            cases::claim_expires_at.eq(None::<NaiveDateTime>),
            cases::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_closed(
    conn: &mut DbConn,
    id: CaseId,
    reason: CloseReason,
    duplicate_of: Option<CaseId>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(cases::table.filter(cases::id.eq(id)))
        .set((
            cases::status.eq(CaseStatus::Closed),
            cases::close_reason.eq(Some(reason)),
            cases::duplicate_of.eq(duplicate_of),
            cases::claimed_by.eq(None::<UserId>),
            cases::claim_expires_at.eq(None::<NaiveDateTime>),
            cases::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_ticketed(
    conn: &mut DbConn,
    id: CaseId,
    ticket: TicketId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(cases::table.filter(cases::id.eq(id)))
        .set((
            cases::status.eq(CaseStatus::Ticketed),
            cases::ticket_id.eq(Some(ticket)),
            cases::claimed_by.eq(None::<UserId>),
            cases::claim_expires_at.eq(None::<NaiveDateTime>),
            cases::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_event(
    conn: &mut DbConn,
    id: CaseId,
    event: &str,
    status: CaseStatus,
    actor: Option<UserId>,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(id),
            case_events::event.eq(event),
            case_events::status.eq(status),
            case_events::actor_id.eq(actor),
            case_events::reason.eq(reason),
            case_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// (event, status, actor, reason, at) of a case, oldest first.
pub type EventRow = (
    String,
    CaseStatus,
    Option<UserId>,
    Option<String>,
    NaiveDateTime,
);

pub fn events_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<EventRow>> {
    case_events::table
        .filter(case_events::case_id.eq(id))
        .order(case_events::id.asc())
        .select((
            case_events::event,
            case_events::status,
            case_events::actor_id,
            case_events::reason,
            case_events::at,
        ))
        .load(conn)
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

pub fn attach_evidence(
    conn: &mut DbConn,
    case: CaseId,
    sha256: &str,
    size: i64,
    media_type: &str,
    actor: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let known: i64 = evidence_files::table
        .filter(evidence_files::sha256.eq(sha256))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(evidence_files::table)
            .values((
                evidence_files::sha256.eq(sha256),
                evidence_files::size_bytes.eq(size),
                evidence_files::media_type.eq(media_type),
                evidence_files::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    let linked: i64 = case_evidence::table
        .filter(case_evidence::case_id.eq(case))
        .filter(case_evidence::sha256.eq(sha256))
        .count()
        .get_result(conn)?;
    if linked > 0 {
        return Ok(false);
    }
    diesel::insert_into(case_evidence::table)
        .values((
            case_evidence::case_id.eq(case),
            case_evidence::sha256.eq(sha256),
            case_evidence::added_by.eq(actor),
            case_evidence::added_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// (sha256, size, media type) of a case's evidence, in the order added.
pub fn evidence_of(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<(String, i64, String)>> {
    case_evidence::table
        .inner_join(evidence_files::table)
        .filter(case_evidence::case_id.eq(case))
        .order((case_evidence::added_at.asc(), case_evidence::sha256.asc()))
        .select((
            evidence_files::sha256,
            evidence_files::size_bytes,
            evidence_files::media_type,
        ))
        .load(conn)
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

/// Filters of the case list.
#[derive(Debug, Default)]
pub struct CaseFilter<'a> {
    pub within_path: Option<&'a str>,
    pub vendor: Option<VendorId>,
    pub status: Option<CaseStatus>,
    pub deadline_by: Option<NaiveDate>,
    pub after: Option<i64>,
    pub limit: i64,
}

pub fn list(conn: &mut DbConn, f: &CaseFilter<'_>) -> QueryResult<Vec<CaseRow>> {
    let mut q = cases::table
        .inner_join(units::table)
        .select(CaseRow::as_select())
        .into_boxed();
    if let Some(path) = f.within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(v) = f.vendor {
        q = q.filter(cases::vendor_id.eq(v));
    }
    if let Some(s) = f.status {
        q = q.filter(cases::status.eq(s));
    }
    if let Some(d) = f.deadline_by {
        q = q
            .filter(cases::deadline.le(d))
            .filter(cases::status.eq_any(CaseStatus::open()));
    }
    if let Some(a) = f.after {
        q = q.filter(cases::id.gt(a));
    }
    q.order(cases::id.asc()).limit(f.limit + 1).load(conn)
}

/// (status, close reason, count) of the cases within reach: every case
/// received is accounted for.
pub fn accounting(
    conn: &mut DbConn,
    within_path: Option<&str>,
    vendor: Option<VendorId>,
) -> QueryResult<Vec<(CaseStatus, Option<CloseReason>, i64)>> {
    let mut q = cases::table
        .inner_join(units::table)
        .group_by((cases::status, cases::close_reason))
        .select((
            cases::status,
            cases::close_reason,
            diesel::dsl::count_star(),
        ))
        .into_boxed();
    if let Some(path) = within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(v) = vendor {
        q = q.filter(cases::vendor_id.eq(v));
    }
    q.load(conn)
}
