//! The stored ticket versions as other capabilities read them: the
//! transfer to the office reads versions and the people named on them and
//! records the office's rejections, through here rather than the store.

use chrono::NaiveDateTime;

use super::validate::Person;
use crate::db::DbConn;
use crate::domain::{TicketId, UserId};
use crate::error::ApiResult;

pub use super::store::TicketRow;

/// The people named on a ticket version, each with its role.
pub fn people_of(conn: &mut DbConn, ticket: TicketId) -> ApiResult<Vec<(String, Person)>> {
    Ok(super::store::people_of(conn, ticket)?)
}

/// The version `version` of ticket `number`, if there is one.
pub fn by_number_version(
    conn: &mut DbConn,
    number: &str,
    version: i32,
) -> ApiResult<Option<TicketRow>> {
    Ok(super::store::by_number_version(conn, number, version)?)
}

/// Records the office's rejection of a ticket version once; false when it
/// already was (by this request or a concurrent one).
pub fn record_rejection(
    conn: &mut DbConn,
    id: TicketId,
    text: &str,
    by: Option<UserId>,
    at: NaiveDateTime,
) -> ApiResult<bool> {
    Ok(super::store::insert_event_once(
        conn, id, "rejected", text, by, at,
    )?)
}
