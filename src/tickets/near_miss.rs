//! Mistakes the rules caught in an on-the-spot ticket before it was
//! issued: each error the check or the issue found in an officer's ticket
//! is a near miss of that officer and unit, counted once per ticket (its
//! client id), field and rule however often the same draft is sent again.
//! Cases keep their own (`cases::store::insert_near_misses`), by step.

use diesel::prelude::*;

use crate::db::schema::ticket_near_misses;
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, UnitId, UserId};
use crate::error::{ApiResult, FieldError};

#[derive(Insertable)]
#[diesel(table_name = ticket_near_misses)]
struct NewTicketNearMiss<'a> {
    client_id: &'a str,
    officer_id: UserId,
    unit_id: UnitId,
    field: &'a str,
    code: &'a str,
    #[diesel(serialize_as = crate::db::stored_time::StoredTime)]
    at: chrono::NaiveDateTime,
}

/// Records `errors` as near misses of the officer `actor` in ticket
/// `client_id`. Best effort: the officer's answer is the refusal itself,
/// and a statistic that cannot be written must not change it.
pub fn note_caught(conn: &mut DbConn, actor: &Actor, client_id: &str, errors: &[FieldError]) {
    let (Some(officer), Some(unit)) = (actor.user_id, actor.unit_id) else {
        return;
    };
    if errors.is_empty() || !actor.role.is_police() {
        return;
    }
    if let Err(e) = insert(conn, officer, unit, client_id, errors) {
        tracing::warn!(error = %e, "near misses of a ticket were not recorded");
    }
}

fn insert(
    conn: &mut DbConn,
    officer: UserId,
    unit: UnitId,
    client_id: &str,
    errors: &[FieldError],
) -> ApiResult<()> {
    let at = now();
    let rows: Vec<NewTicketNearMiss<'_>> = errors
        .iter()
        .map(|e| NewTicketNearMiss {
            client_id,
            officer_id: officer,
            unit_id: unit,
            field: &e.field,
            code: &e.code,
            at,
        })
        .collect();
    write_txn(conn, |conn| {
        for row in rows {
            crate::each_backend!(conn, |c| diesel::insert_into(ticket_near_misses::table)
                .values(row)
                .on_conflict((
                    ticket_near_misses::officer_id,
                    ticket_near_misses::client_id,
                    ticket_near_misses::field,
                    ticket_near_misses::code,
                ))
                .do_nothing()
                .execute(c))?;
        }
        Ok(())
    })
}
