//! Tickets issued, counted as they are issued (`ticket_counts`), by Taiwan
//! month, unit, kind, officer, vendor and keyer: what the error rate
//! divides by, read without touching the tickets themselves.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::catalog::TicketKind;
use crate::db::DbConn;
use crate::db::schema::ticket_counts;
use crate::domain::time::taiwan_date;
use crate::domain::{UnitId, UserId, VendorId};

/// The dimensions of one count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Insertable)]
#[diesel(table_name = ticket_counts)]
pub struct CountKey {
    pub month: String,
    pub unit_id: UnitId,
    pub kind: TicketKind,
    pub officer_id: UserId,
    /// 0: no vendor keyed it.
    pub vendor_id: i64,
    /// 0: no vendor keyed it.
    pub keyer_id: i64,
}

impl CountKey {
    pub fn new(
        issued_at: NaiveDateTime,
        unit: UnitId,
        kind: TicketKind,
        officer: UserId,
        vendor: Option<VendorId>,
        keyer: Option<UserId>,
    ) -> Self {
        CountKey {
            month: crate::domain::time::month_key(taiwan_date(issued_at)),
            unit_id: unit,
            kind,
            officer_id: officer,
            vendor_id: vendor.map_or(0, |v| v.0),
            keyer_id: keyer.map_or(0, |k| k.0),
        }
    }
}

/// Adds `n` tickets to a count, in the caller's transaction.
pub fn add(conn: &mut DbConn, key: &CountKey, n: i64) -> QueryResult<()> {
    crate::each_backend!(conn, |c| diesel::insert_into(ticket_counts::table)
        .values((key, ticket_counts::n.eq(n)))
        .on_conflict((
            ticket_counts::month,
            ticket_counts::unit_id,
            ticket_counts::kind,
            ticket_counts::officer_id,
            ticket_counts::vendor_id,
            ticket_counts::keyer_id,
        ))
        .do_update()
        .set(ticket_counts::n.eq(ticket_counts::n + excluded(ticket_counts::n)))
        .execute(c))?;
    Ok(())
}

/// The counts of months `from..=to` (`YYYY-MM`), of units within `path`.
pub fn read(
    conn: &mut DbConn,
    path: Option<&str>,
    from: &str,
    to: &str,
) -> QueryResult<Vec<(CountKey, i64)>> {
    use crate::db::schema::units;
    let mut q = ticket_counts::table
        .filter(ticket_counts::month.ge(from))
        .filter(ticket_counts::month.le(to))
        .select((
            ticket_counts::month,
            ticket_counts::unit_id,
            ticket_counts::kind,
            ticket_counts::officer_id,
            ticket_counts::vendor_id,
            ticket_counts::keyer_id,
            ticket_counts::n,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(
            ticket_counts::unit_id.eq_any(
                units::table
                    .filter(units::path.like(format!("{p}%")))
                    .select(units::id),
            ),
        );
    }
    let rows: Vec<(String, UnitId, TicketKind, UserId, i64, i64, i64)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(month, unit_id, kind, officer_id, vendor_id, keyer_id, n)| {
                (
                    CountKey {
                        month,
                        unit_id,
                        kind,
                        officer_id,
                        vendor_id,
                        keyer_id,
                    },
                    n,
                )
            },
        )
        .collect())
}
