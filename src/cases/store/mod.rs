//! Queries on cases and their events; `entries.rs` holds what was keyed
//! and caught, `evidence.rs` the files.

mod entries;
mod evidence;

pub use entries::*;
pub use evidence::*;

use crate::db::LiteralLimitDsl;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::status::{CaseStatus, CloseReason};
use crate::db::DbConn;
use crate::db::schema::{case_events, cases, units};
use crate::domain::{CaseId, TicketId, UnitId, UserId, VendorId};
use crate::tickets::catalog::TicketKind;

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
        .first_row(conn)
        .optional()
}

pub fn case_by_client_id(conn: &mut DbConn, client_id: &str) -> QueryResult<Option<CaseRow>> {
    cases::table
        .filter(cases::client_id.eq(client_id))
        .select(CaseRow::as_select())
        .first_row(conn)
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

/// The vendor's cases not yet keyed.
pub fn unkeyed_of_vendor(conn: &mut DbConn, vendor: VendorId) -> QueryResult<Vec<CaseId>> {
    cases::table
        .filter(cases::vendor_id.eq(vendor))
        .filter(cases::status.eq(CaseStatus::Received))
        .select(cases::id)
        .load(conn)
}

/// Records that a case went to police keying because its vendor's caps
/// leave no room (`contracts`).
pub fn insert_to_police_event(conn: &mut DbConn, id: CaseId, at: NaiveDateTime) -> QueryResult<()> {
    insert_event(
        conn,
        id,
        "to_police_keying",
        CaseStatus::Received,
        None,
        Some("vendor_cap"),
        at,
    )
}

/// Takes a case from its vendor (and whoever claimed it) to police keying.
pub fn hand_to_police(conn: &mut DbConn, id: CaseId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::vendor_id.eq(None::<VendorId>),
            cases::claimed_by.eq(None::<UserId>),
            cases::claim_expires_at.eq(None::<NaiveDateTime>),
            cases::updated_at.eq(at),
        ))
        .execute(conn)?;
    insert_to_police_event(conn, id, at)
}
