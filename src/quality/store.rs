//! Gathering the facts the quality statistics count: every first version
//! issued in a period with its first error, and the near misses.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error_rate::{TicketFact, month_of};
use crate::cases::status::Step;
use crate::db::DbConn;
use crate::db::schema::{case_entries, cases, near_misses, ticket_events, tickets, units};
use crate::domain::time::taiwan_date;
use crate::domain::{CaseId, TicketId, UnitId, UserId, VendorId};
use crate::error::ApiResult;
use crate::tickets::catalog::TicketKind;
use crate::tickets::correct::ErrorType;

/// Every ticket first issued in `[from, to)` (UTC) in units within `path`.
pub fn ticket_facts(
    conn: &mut DbConn,
    path: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<Vec<TicketFact>> {
    let mut q = tickets::table
        .inner_join(units::table)
        .filter(tickets::version.eq(1))
        .filter(tickets::issued_at.ge(from))
        .filter(tickets::issued_at.lt(to))
        .select((
            tickets::id,
            tickets::serial,
            tickets::kind,
            tickets::unit_id,
            tickets::officer_id,
            tickets::issued_at,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(units::path.like(format!("{p}%")));
    }
    let issued: Vec<(TicketId, i64, TicketKind, UnitId, UserId, NaiveDateTime)> = q.load(conn)?;
    // Errors are rare (the target is one in a thousand): all of them at once.
    let mut first_error: HashMap<i64, (i32, String)> = HashMap::new();
    let corrections: Vec<(i64, i32, Option<ErrorType>)> = tickets::table
        .filter(tickets::version.gt(1))
        .select((tickets::serial, tickets::version, tickets::error_type))
        .load(conn)?;
    for (serial, version, kind) in corrections {
        let label = kind.map_or("other", ErrorType::as_str).to_owned();
        let e = first_error
            .entry(serial)
            .or_insert((version, label.clone()));
        if version < e.0 {
            *e = (version, label);
        }
    }
    let ends: Vec<(i64, i32, String)> = ticket_events::table
        .inner_join(tickets::table)
        .filter(ticket_events::event.eq_any(["voided", "rejected"]))
        .select((tickets::serial, tickets::version, ticket_events::event))
        .load(conn)?;
    for (serial, version, event) in ends {
        // A void or a rejection of a version ranks after the correction
        // that made that version.
        let e = first_error
            .entry(serial)
            .or_insert((version + 1, event.clone()));
        if version + 1 < e.0 {
            *e = (version + 1, event);
        }
    }
    let from_cases: Vec<(CaseId, TicketId, Option<VendorId>)> = cases::table
        .filter(cases::ticket_id.is_not_null())
        .select((
            cases::id,
            cases::ticket_id.assume_not_null(),
            cases::vendor_id,
        ))
        .load(conn)?;
    let keyings: Vec<(CaseId, UserId)> = case_entries::table
        .filter(case_entries::step.eq(Step::Keying))
        .order(case_entries::id.asc())
        .select((case_entries::case_id, case_entries::user_id))
        .load(conn)?;
    // The last keying of a case is the one its ticket came from.
    let keyer_of: HashMap<CaseId, UserId> = keyings.into_iter().collect();
    let case_of: HashMap<TicketId, (Option<VendorId>, Option<UserId>)> = from_cases
        .into_iter()
        .map(|(case, ticket, vendor)| (ticket, (vendor, keyer_of.get(&case).copied())))
        .collect();
    Ok(issued
        .into_iter()
        .map(|(id, serial, source, unit, officer, at)| {
            let (vendor, keyer) = case_of.get(&id).copied().unwrap_or((None, None));
            TicketFact {
                month: month_of(taiwan_date(at)),
                unit,
                source,
                officer,
                vendor,
                keyer,
                error: first_error.get(&serial).map(|(_, e)| e.clone()),
            }
        })
        .collect())
}

/// One mistake caught before issue.
#[derive(Debug, Clone, Queryable)]
pub struct NearMiss {
    pub unit: UnitId,
    pub vendor: Option<VendorId>,
    pub user: Option<UserId>,
    pub caught_by: String,
    pub field: String,
}

pub fn near_misses_in(
    conn: &mut DbConn,
    path: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<Vec<NearMiss>> {
    let mut q = near_misses::table
        .inner_join(units::table)
        .filter(near_misses::at.ge(from))
        .filter(near_misses::at.lt(to))
        .select((
            near_misses::unit_id,
            near_misses::vendor_id,
            near_misses::user_id,
            near_misses::caught_by,
            near_misses::field,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(units::path.like(format!("{p}%")));
    }
    Ok(q.load(conn)?)
}

/// Every case ticketed in `[from, to)` (UTC) in units within `path`.
pub fn turnaround_facts(
    conn: &mut DbConn,
    path: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<Vec<super::turnaround::Turnaround>> {
    let mut q = cases::table
        .inner_join(tickets::table)
        .filter(tickets::issued_at.ge(from))
        .filter(tickets::issued_at.lt(to))
        .select((
            cases::source,
            cases::vendor_id,
            cases::violation_at,
            cases::received_at,
            tickets::issued_at,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(
            cases::unit_id.eq_any(
                units::table
                    .filter(units::path.like(format!("{p}%")))
                    .select(units::id),
            ),
        );
    }
    let rows: Vec<(
        TicketKind,
        Option<VendorId>,
        NaiveDateTime,
        NaiveDateTime,
        NaiveDateTime,
    )> = q.load(conn)?;
    let days = |a: NaiveDateTime, b: NaiveDateTime| (b - a).num_seconds() as f64 / 86_400.0;
    Ok(rows
        .into_iter()
        .map(
            |(source, vendor, violation, received, issued)| super::turnaround::Turnaround {
                source,
                vendor,
                from_violation: days(violation, issued),
                from_intake: days(received, issued),
            },
        )
        .collect())
}

/// Tickets (not voided) of the major violations with a violation in
/// `[from, to)` (UTC), in units within `path`.
pub fn major_tickets(
    conn: &mut DbConn,
    path: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<Vec<super::enforcement::MajorTicket>> {
    use crate::db::schema::violation_articles;
    let majors: Vec<(String, Option<String>)> = violation_articles::table
        .filter(violation_articles::major.is_not_null())
        .select((violation_articles::code, violation_articles::major))
        .load(conn)?;
    let major_of: HashMap<String, String> = majors
        .into_iter()
        .filter_map(|(code, major)| major.map(|m| (code, m)))
        .collect();
    let codes: Vec<&String> = major_of.keys().collect();
    let mut q = tickets::table
        .inner_join(units::table)
        .filter(tickets::version.eq(1))
        .filter(tickets::violation_at.ge(from))
        .filter(tickets::violation_at.lt(to))
        .filter(tickets::article_code.eq_any(codes))
        .select((
            tickets::serial,
            tickets::unit_id,
            tickets::article_code,
            tickets::violation_at,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(units::path.like(format!("{p}%")));
    }
    let rows: Vec<(i64, UnitId, String, NaiveDateTime)> = q.load(conn)?;
    let voided: std::collections::HashSet<i64> = ticket_events::table
        .inner_join(tickets::table)
        .filter(ticket_events::event.eq("voided"))
        .select(tickets::serial)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter(|(serial, ..)| !voided.contains(serial))
        .filter_map(|(_, unit, code, at)| {
            use chrono::Datelike;
            major_of
                .get(&code)
                .map(|m| super::enforcement::MajorTicket {
                    year: taiwan_date(at).year(),
                    unit,
                    major: m.clone(),
                })
        })
        .collect())
}
