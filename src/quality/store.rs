//! Gathering the facts the quality statistics count: every first version
//! issued in a period with its first error, and the near misses.

use crate::db::LiteralLimitDsl;
use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error_rate::{TicketFact, month_of};
use crate::cases::status::Step;
use crate::db::DbConn;
use crate::db::schema::{
    case_entries, cases, near_misses, ticket_events, ticket_near_misses, tickets, units,
};
use crate::domain::time::taiwan_date;
use crate::domain::{CaseId, TicketId, UnitId, UserId, VendorId};
use crate::error::ApiResult;
use crate::tickets::catalog::TicketKind;
use crate::tickets::model::ErrorType;

type GroupKey = (
    String,
    UnitId,
    TicketKind,
    UserId,
    Option<VendorId>,
    Option<UserId>,
);

/// Every ticket first issued in the Taiwan months of `[from, to)` (UTC)
/// in units within `path`, as groups alike in every dimension, with the
/// wrong ones apart.
pub fn ticket_facts(
    conn: &mut DbConn,
    path: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<Vec<TicketFact>> {
    // Issued tickets are counted as they are issued (`tickets::counts`).
    let first_month = month_of(taiwan_date(from));
    let last_month = month_of(taiwan_date(to - chrono::Duration::seconds(1)));
    let mut counts: HashMap<GroupKey, i64> =
        crate::tickets::counts::read(conn, path, &first_month, &last_month)?
            .into_iter()
            .map(|(k, n)| {
                let none_if_zero = |v: i64| (v != 0).then_some(v);
                (
                    (
                        k.month,
                        k.unit_id,
                        k.kind,
                        k.officer_id,
                        none_if_zero(k.vendor_id).map(VendorId),
                        none_if_zero(k.keyer_id).map(UserId),
                    ),
                    n,
                )
            })
            .collect();
    // Errors are rare (the target is one in a thousand): each is looked at.
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
    let serials: Vec<i64> = first_error.keys().copied().collect();
    let mut wrong = Vec::new();
    for chunk in serials.chunks(500) {
        let mut q = tickets::table
            .inner_join(units::table)
            .filter(tickets::version.eq(1))
            .filter(tickets::serial.eq_any(chunk))
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
        let rows: Vec<(TicketId, i64, TicketKind, UnitId, UserId, NaiveDateTime)> = q.load(conn)?;
        wrong.extend(rows);
    }
    let ids: Vec<TicketId> = wrong.iter().map(|w| w.0).collect();
    let mut case_of: HashMap<TicketId, (Option<VendorId>, Option<UserId>)> = HashMap::new();
    for chunk in ids.chunks(500) {
        let from_cases: Vec<(CaseId, TicketId, Option<VendorId>)> = cases::table
            .filter(cases::ticket_id.eq_any(chunk.iter().map(|t| Some(*t)).collect::<Vec<_>>()))
            .select((
                cases::id,
                cases::ticket_id.assume_not_null(),
                cases::vendor_id,
            ))
            .load(conn)?;
        for (case, ticket, vendor) in from_cases {
            // The last keying of a case is the one its ticket came from.
            let keyer: Option<UserId> = case_entries::table
                .filter(case_entries::case_id.eq(case))
                .filter(case_entries::step.eq(Step::Keying))
                .order(case_entries::id.desc())
                .select(case_entries::user_id)
                .first_row(conn)
                .optional()?;
            case_of.insert(ticket, (vendor, keyer));
        }
    }
    let mut facts = Vec::with_capacity(counts.len() + wrong.len());
    for (id, serial, source, unit, officer, at) in wrong {
        let (vendor, keyer) = case_of.get(&id).copied().unwrap_or((None, None));
        let month = month_of(taiwan_date(at));
        if let Some(n) = counts.get_mut(&(month.clone(), unit, source, officer, vendor, keyer)) {
            *n -= 1;
        }
        facts.push(TicketFact {
            count: 1,
            month,
            unit,
            source,
            officer,
            vendor,
            keyer,
            error: first_error.get(&serial).map(|(_, e)| e.clone()),
        });
    }
    facts.extend(counts.into_iter().filter(|(_, n)| *n > 0).map(
        |((month, unit, source, officer, vendor, keyer), count)| TicketFact {
            count,
            month,
            unit,
            source,
            officer,
            vendor,
            keyer,
            error: None,
        },
    ));
    Ok(facts)
}

/// One mistake caught before issue, in a case or an on-the-spot ticket.
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
    let mut misses: Vec<NearMiss> = q.load(conn)?;
    // On-the-spot tickets: the officer keyed it, validation caught it.
    let mut q = ticket_near_misses::table
        .inner_join(units::table)
        .filter(ticket_near_misses::at.ge(from))
        .filter(ticket_near_misses::at.lt(to))
        .select((
            ticket_near_misses::unit_id,
            ticket_near_misses::officer_id,
            ticket_near_misses::field,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(units::path.like(format!("{p}%")));
    }
    let on_the_spot: Vec<(UnitId, UserId, String)> = q.load(conn)?;
    misses.extend(
        on_the_spot
            .into_iter()
            .map(|(unit, officer, field)| NearMiss {
                unit,
                vendor: None,
                user: Some(officer),
                caught_by: "validation".into(),
                field,
            }),
    );
    Ok(misses)
}

/// The tickets of the seven major violations that stand, of Taiwan months
/// of the violation `from..=to` (`YYYY-MM`), within `path`: read from the
/// counts kept as tickets are issued, corrected and voided.
pub fn major_tickets(
    conn: &mut DbConn,
    path: Option<&str>,
    from: &str,
    to: &str,
) -> ApiResult<Vec<super::enforcement::MajorTicket>> {
    use crate::db::schema::violation_articles;
    let majors: Vec<(String, Option<String>)> = violation_articles::table
        .filter(violation_articles::major.is_not_null())
        .select((violation_articles::code, violation_articles::major))
        .distinct()
        .load(conn)?;
    let major_of: HashMap<String, String> = majors
        .into_iter()
        .filter_map(|(code, major)| major.map(|m| (code, m)))
        .collect();
    let codes: Vec<String> = major_of.keys().cloned().collect();
    let counts = crate::tickets::article_counts::read(conn, path, from, to, &codes)?;
    Ok(counts
        .into_iter()
        .filter_map(|(key, count)| {
            let year = key.month.get(..4)?.parse().ok()?;
            let major = major_of.get(&key.article_code)?.clone();
            Some(super::enforcement::MajorTicket {
                count,
                year,
                unit: key.unit_id,
                major,
            })
        })
        .collect())
}
