//! Finding tickets for a police account: what it may see is decided here,
//! once, for the API's list and the console's search alike.

use chrono::{NaiveDate, NaiveDateTime};

use super::store::{self, TicketRow, TicketSearch};
use crate::db::DbConn;
use crate::domain::time::from_taiwan;
use crate::domain::{Actor, TicketId};
use crate::error::ApiResult;

/// What a search asks: any of a number, a plate (as typed) and Taiwan days
/// of the violation, newest first, at most `limit`.
#[derive(Debug, Clone, Default)]
pub struct Criteria {
    pub number: String,
    pub plate: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: i64,
}

/// Midnight of a Taiwan day, in UTC.
fn start_of(day: NaiveDate) -> Option<NaiveDateTime> {
    day.and_hms_opt(0, 0, 0).map(from_taiwan)
}

/// The tickets within `actor`'s reach that match `criteria`.
pub fn search(conn: &mut DbConn, actor: &Actor, criteria: &Criteria) -> ApiResult<Vec<TicketRow>> {
    let scope = crate::visibility::police_list_scope(actor)?;
    let number = criteria.number.trim().to_uppercase();
    let plate = super::plate::normalise(&criteria.plate);
    Ok(store::search(
        conn,
        &TicketSearch {
            within_path: scope.within_path(),
            officer: scope.author(),
            unit: None,
            number: Some(number.as_str()).filter(|n| !n.is_empty()),
            plate: Some(plate.as_str()).filter(|p| !p.is_empty()),
            from: criteria.from.and_then(start_of),
            to: criteria.to.and_then(|d| d.succ_opt()).and_then(start_of),
            limit: criteria.limit,
        },
    )?)
}

/// A page of the tickets within `actor`'s reach, by id after `after`.
pub fn page(
    conn: &mut DbConn,
    actor: &Actor,
    after: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<TicketRow>> {
    let scope = crate::visibility::police_list_scope(actor)?;
    Ok(store::list(
        conn,
        scope.within_path(),
        scope.author(),
        after,
        limit,
    )?)
}

/// What happened to a ticket since it was issued: (event, reason, when).
pub type Event = (String, String, NaiveDateTime);

/// One ticket within `actor`'s reach, with what happened to it since.
pub fn with_events(
    conn: &mut DbConn,
    actor: &Actor,
    id: TicketId,
) -> ApiResult<(TicketRow, Vec<Event>)> {
    let row = super::view::get_readable(conn, actor, id)?;
    let events = store::events_of(conn, row.id)?;
    Ok((row, events))
}
