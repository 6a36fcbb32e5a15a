//! Serial numbers and the blocks of them allotted to officers' handhelds.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::LiteralLimitDsl;

use crate::db::DbConn;
use crate::db::schema::{ticket_number_blocks, ticket_serial_counter, tickets};
use crate::domain::UserId;

/// Takes `count` fresh serials from the city-wide counter.
pub fn take_serials(conn: &mut DbConn, count: i64) -> QueryResult<i64> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT 1 FROM ticket_serial_counter WHERE id = 1 FOR UPDATE")
            .execute(pg)?;
    }
    let next: i64 = ticket_serial_counter::table
        .find(1)
        .select(ticket_serial_counter::next_serial)
        .first_row(conn)?;
    diesel::update(ticket_serial_counter::table.find(1))
        .set(ticket_serial_counter::next_serial.eq(next + count))
        .execute(conn)?;
    Ok(next)
}

pub fn insert_block(
    conn: &mut DbConn,
    officer: UserId,
    device: &str,
    first: i64,
    last: i64,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(ticket_number_blocks::table)
        .values((
            ticket_number_blocks::officer_id.eq(officer),
            ticket_number_blocks::device.eq(device),
            ticket_number_blocks::first_serial.eq(first),
            ticket_number_blocks::last_serial.eq(last),
            ticket_number_blocks::allotted_at.eq(at),
        ))
        .returning(ticket_number_blocks::id)
        .get_result(conn)
}

/// (block id, device, first, last, allotted) of an officer's blocks, newest first.
pub type BlockRow = (i64, String, i64, i64, NaiveDateTime);

pub fn blocks_of(conn: &mut DbConn, officer: UserId) -> QueryResult<Vec<BlockRow>> {
    ticket_number_blocks::table
        .filter(ticket_number_blocks::officer_id.eq(officer))
        .order(ticket_number_blocks::id.desc())
        .select((
            ticket_number_blocks::id,
            ticket_number_blocks::device,
            ticket_number_blocks::first_serial,
            ticket_number_blocks::last_serial,
            ticket_number_blocks::allotted_at,
        ))
        .load(conn)
}

pub fn block_holding(
    conn: &mut DbConn,
    officer: UserId,
    serial: i64,
) -> QueryResult<Option<BlockRow>> {
    ticket_number_blocks::table
        .filter(ticket_number_blocks::officer_id.eq(officer))
        .filter(ticket_number_blocks::first_serial.le(serial))
        .filter(ticket_number_blocks::last_serial.ge(serial))
        .select((
            ticket_number_blocks::id,
            ticket_number_blocks::device,
            ticket_number_blocks::first_serial,
            ticket_number_blocks::last_serial,
            ticket_number_blocks::allotted_at,
        ))
        .first_row(conn)
        .optional()
}

/// How many serials of a range have been used by first versions of tickets.
pub fn used_in(conn: &mut DbConn, first: i64, last: i64) -> QueryResult<i64> {
    tickets::table
        .filter(tickets::version.eq(1))
        .filter(tickets::serial.between(first, last))
        .count()
        .get_result(conn)
}

pub fn serial_used(conn: &mut DbConn, serial: i64) -> QueryResult<bool> {
    let n: i64 = tickets::table
        .filter(tickets::serial.eq(serial))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
