//! Queries on tickets, their people and events; number blocks in
//! `numbers`.

mod numbers;
pub use numbers::*;

use super::catalog::TicketKind;
use super::input::{Recipient, SignatureStatus};
use super::model::ErrorType;
use super::national_id::NationalId;
use super::plate::{Plate, VehicleClass};
use crate::db::LiteralLimitDsl;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::validate::Person;
use crate::db::DbConn;
use crate::db::schema::{ticket_events, ticket_notices, ticket_people, tickets, units};
use crate::domain::TicketId;
use crate::domain::{UnitId, UserId};
use crate::org::directory::UnitRow;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
pub struct TicketRow {
    pub id: TicketId,
    pub number: String,
    pub serial: i64,
    pub version: i32,
    pub supersedes_id: Option<TicketId>,
    pub error_type: Option<ErrorType>,
    pub client_id: String,
    pub kind: TicketKind,
    pub unit_id: UnitId,
    pub officer_id: UserId,
    pub device: Option<String>,
    pub violation_at: NaiveDateTime,
    pub reported_at: Option<NaiveDateTime>,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub plate: Plate,
    pub vehicle_class: VehicleClass,
    pub article_code: String,
    pub article_text: String,
    pub facts: String,
    pub fine: i32,
    pub due_date: NaiveDate,
    pub respond_to: String,
    pub signature: SignatureStatus,
    pub signature_reason: Option<String>,
    pub warnings_acknowledged: String,
    pub issued_at: NaiveDateTime,
    /// Digest of the request that created this version (see `idempotency`).
    pub request_fingerprint: Option<String>,
}

/// What a notice carries beyond the ticket row (細則 §11, §15).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_notices, treat_none_as_default_value = false)]
pub struct NoticeRow {
    pub ticket_id: TicketId,
    pub recipient: Recipient,
    pub handed_over_at: Option<NaiveDateTime>,
    pub speed_limit: Option<i32>,
    pub measured_speed: Option<i32>,
    pub crash: bool,
    pub appraisal_concluded_on: Option<NaiveDate>,
}

pub fn insert_notice(conn: &mut DbConn, row: &NoticeRow) -> QueryResult<()> {
    diesel::insert_into(ticket_notices::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The notice row of a ticket version; `None` for versions stored before
/// notices had one.
pub fn notice_of(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Option<NoticeRow>> {
    ticket_notices::table
        .find(ticket)
        .select(NoticeRow::as_select())
        .first_row(conn)
        .optional()
}

pub fn insert_ticket(conn: &mut DbConn, row: &TicketRow) -> QueryResult<TicketId> {
    let id = crate::each_backend!(conn, |c| diesel::insert_into(tickets::table)
        .values((
            tickets::number.eq(&row.number),
            tickets::serial.eq(row.serial),
            tickets::version.eq(row.version),
            tickets::supersedes_id.eq(row.supersedes_id),
            tickets::error_type.eq(&row.error_type),
            tickets::client_id.eq(&row.client_id),
            tickets::kind.eq(&row.kind),
            tickets::unit_id.eq(row.unit_id),
            tickets::officer_id.eq(row.officer_id),
            tickets::device.eq(&row.device),
            tickets::violation_at.eq(row.violation_at),
            tickets::reported_at.eq(row.reported_at),
            tickets::place.eq(&row.place),
            tickets::lat.eq(row.lat),
            tickets::lon.eq(row.lon),
            tickets::plate.eq(&row.plate),
            tickets::vehicle_class.eq(&row.vehicle_class),
            tickets::article_code.eq(&row.article_code),
            tickets::article_text.eq(&row.article_text),
            tickets::facts.eq(&row.facts),
            tickets::fine.eq(row.fine),
            tickets::due_date.eq(row.due_date),
            tickets::respond_to.eq(&row.respond_to),
            tickets::signature.eq(&row.signature),
            tickets::signature_reason.eq(&row.signature_reason),
            tickets::warnings_acknowledged.eq(&row.warnings_acknowledged),
            tickets::issued_at.eq(row.issued_at),
            tickets::request_fingerprint.eq(&row.request_fingerprint),
        ))
        .returning(tickets::id)
        .get_result(c))?;
    // Counted where it stands, in the same transaction as the ticket.
    super::article_counts::stored(conn, row)?;
    Ok(id)
}

pub fn insert_person(
    conn: &mut DbConn,
    ticket: TicketId,
    role: &str,
    p: &Person,
    national_id: Option<&NationalId>,
) -> QueryResult<()> {
    diesel::insert_into(ticket_people::table)
        .values((
            ticket_people::ticket_id.eq(ticket),
            ticket_people::role.eq(role),
            ticket_people::name.eq(p.name.trim()),
            ticket_people::sex.eq(p.sex.map(|s| match s {
                super::validate::Sex::Male => "male",
                super::validate::Sex::Female => "female",
            })),
            ticket_people::birth_date.eq(p.birth_date),
            ticket_people::national_id.eq(national_id.map(NationalId::as_str)),
            ticket_people::address.eq(&p.address),
        ))
        .execute(conn)?;
    Ok(())
}

/// (role, name, sex, birth date, national id, address) of a ticket's person.
type PersonRow = (
    String,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
);

pub fn people_of(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Vec<(String, Person)>> {
    let rows: Vec<PersonRow> = ticket_people::table
        .filter(ticket_people::ticket_id.eq(ticket))
        .select((
            ticket_people::role,
            ticket_people::name,
            ticket_people::sex,
            ticket_people::birth_date,
            ticket_people::national_id,
            ticket_people::address,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(role, name, sex, birth_date, national_id, address)| {
            let sex = match sex.as_deref() {
                Some("male") => Some(super::validate::Sex::Male),
                Some("female") => Some(super::validate::Sex::Female),
                _ => None,
            };
            (
                role,
                Person {
                    name,
                    sex,
                    birth_date,
                    national_id,
                    address,
                },
            )
        })
        .collect())
}

pub fn ticket_with_unit(
    conn: &mut DbConn,
    id: TicketId,
) -> QueryResult<Option<(TicketRow, UnitRow)>> {
    tickets::table
        .inner_join(units::table)
        .filter(tickets::id.eq(id))
        .select((TicketRow::as_select(), UnitRow::as_select()))
        .first_row(conn)
        .optional()
}

pub fn ticket_by_client_id(conn: &mut DbConn, client_id: &str) -> QueryResult<Option<TicketRow>> {
    tickets::table
        .filter(tickets::client_id.eq(client_id))
        .select(TicketRow::as_select())
        .first_row(conn)
        .optional()
}

/// The issuing unit's name and the issuing officer's badge.
pub fn issuer_of(
    conn: &mut DbConn,
    unit: UnitId,
    officer: UserId,
) -> QueryResult<(String, String)> {
    let unit_name = units::table
        .find(unit)
        .select(units::name)
        .first_row::<String, _>(conn)?;
    let badge = crate::db::schema::users::table
        .find(officer)
        .select(crate::db::schema::users::badge)
        .first_row::<String, _>(conn)?;
    Ok((unit_name, badge))
}

/// The newest version of a number.
pub fn latest_by_number(
    conn: &mut DbConn,
    number: &str,
) -> QueryResult<Option<(TicketRow, UnitRow)>> {
    tickets::table
        .inner_join(units::table)
        .filter(tickets::number.eq(number))
        .order(tickets::version.desc())
        .select((TicketRow::as_select(), UnitRow::as_select()))
        .first_row(conn)
        .optional()
}

pub fn superseded(conn: &mut DbConn, id: TicketId) -> QueryResult<bool> {
    let n: i64 = tickets::table
        .filter(tickets::supersedes_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn events_of(
    conn: &mut DbConn,
    id: TicketId,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    ticket_events::table
        .filter(ticket_events::ticket_id.eq(id))
        .order(ticket_events::id.asc())
        .select((
            ticket_events::event,
            ticket_events::reason,
            ticket_events::at,
        ))
        .load(conn)
}

pub fn insert_event(
    conn: &mut DbConn,
    id: TicketId,
    event: &str,
    reason: &str,
    actor: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_id.eq(id),
            ticket_events::event.eq(event),
            ticket_events::reason.eq(reason),
            ticket_events::actor_id.eq(actor),
            ticket_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records an event that may be recorded once (a rejection: a unique
/// index holds it); false when it already was, by this request or a
/// concurrent one.
pub fn insert_event_once(
    conn: &mut DbConn,
    id: TicketId,
    event: &str,
    reason: &str,
    actor: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        ticket_events::ticket_id.eq(id),
        ticket_events::event.eq(event),
        ticket_events::reason.eq(reason),
        ticket_events::actor_id.eq(actor),
        ticket_events::at.eq(at),
    );
    let inserted = crate::each_backend!(conn, |c| diesel::insert_into(ticket_events::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

pub fn list(
    conn: &mut DbConn,
    within_path: Option<&str>,
    officer: Option<UserId>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<TicketRow>> {
    let mut q = tickets::table
        .inner_join(units::table)
        .select(TicketRow::as_select())
        .into_boxed();
    if let Some(path) = within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(o) = officer {
        q = q.filter(tickets::officer_id.eq(o));
    }
    if let Some(a) = after {
        q = q.filter(tickets::id.gt(a));
    }
    q.order(tickets::id.asc()).limit(limit + 1).load(conn)
}

/// What the console's ticket search looks for; every part optional.
#[derive(Debug, Default)]
pub struct TicketSearch<'a> {
    pub within_path: Option<&'a str>,
    pub officer: Option<UserId>,
    pub unit: Option<UnitId>,
    pub number: Option<&'a str>,
    /// Normalised, as stored.
    pub plate: Option<&'a str>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub limit: i64,
}

/// Ticket versions matching `q`, newest first.
pub fn search(conn: &mut DbConn, q: &TicketSearch<'_>) -> QueryResult<Vec<TicketRow>> {
    let mut query = tickets::table
        .inner_join(units::table)
        .select(TicketRow::as_select())
        .into_boxed();
    if let Some(path) = q.within_path {
        query = query.filter(units::path.like(format!("{path}%")));
    }
    if let Some(o) = q.officer {
        query = query.filter(tickets::officer_id.eq(o));
    }
    if let Some(u) = q.unit {
        query = query.filter(tickets::unit_id.eq(u));
    }
    if let Some(n) = q.number {
        query = query.filter(tickets::number.eq(n.to_owned()));
    }
    if let Some(p) = q.plate {
        query = query.filter(tickets::plate.eq(p.to_owned()));
    }
    if let Some(f) = q.from {
        query = query.filter(tickets::violation_at.ge(f));
    }
    if let Some(t) = q.to {
        query = query.filter(tickets::violation_at.lt(t));
    }
    query.order(tickets::id.desc()).limit(q.limit).load(conn)
}

pub fn by_number_version(
    conn: &mut DbConn,
    number: &str,
    version: i32,
) -> QueryResult<Option<TicketRow>> {
    tickets::table
        .filter(tickets::number.eq(number))
        .filter(tickets::version.eq(version))
        .select(TicketRow::as_select())
        .first_row(conn)
        .optional()
}
