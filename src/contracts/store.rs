//! Queries on vendor contracts and what was billed under them.

use crate::db::LiteralLimitDsl;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::cases::status::CaseStatus;
use crate::db::DbConn;
use crate::db::schema::{cases, vendor_billings, vendor_contracts};
use crate::domain::{TicketId, UserId, VendorId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = vendor_contracts)]
pub struct ContractRow {
    pub id: i64,
    pub vendor_id: VendorId,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub unit_price: i32,
    pub yearly_ticket_cap: i32,
    pub yearly_amount_cap: i64,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = vendor_contracts, treat_none_as_default_value = false)]
pub struct NewContract {
    pub vendor_id: VendorId,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub unit_price: i32,
    pub yearly_ticket_cap: i32,
    pub yearly_amount_cap: i64,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewContract) -> QueryResult<i64> {
    crate::each_backend!(conn, |c| diesel::insert_into(vendor_contracts::table)
        .values(new)
        .returning(vendor_contracts::id)
        .get_result(c))
}

pub fn of_vendor(conn: &mut DbConn, vendor: VendorId) -> QueryResult<Vec<ContractRow>> {
    vendor_contracts::table
        .filter(vendor_contracts::vendor_id.eq(vendor))
        .order(vendor_contracts::starts_on.asc())
        .select(ContractRow::as_select())
        .load(conn)
}

pub fn in_force(
    conn: &mut DbConn,
    vendor: VendorId,
    day: NaiveDate,
) -> QueryResult<Option<ContractRow>> {
    vendor_contracts::table
        .filter(vendor_contracts::vendor_id.eq(vendor))
        .filter(vendor_contracts::starts_on.le(day))
        .filter(vendor_contracts::ends_on.ge(day))
        .select(ContractRow::as_select())
        .first_row(conn)
        .optional()
}

/// (tickets, amount) billed under `contract` on days in `[from, to]`.
pub fn billed(
    conn: &mut DbConn,
    contract: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<(i64, i64)> {
    let rows: Vec<i32> = vendor_billings::table
        .filter(vendor_billings::contract_id.eq(contract))
        .filter(vendor_billings::billed_on.between(from, to))
        .select(vendor_billings::amount)
        .load(conn)?;
    Ok((rows.len() as i64, rows.iter().map(|a| i64::from(*a)).sum()))
}

/// The vendor's cases past keying and not yet ticketed: tickets to come.
pub fn in_flight(conn: &mut DbConn, vendor: VendorId) -> QueryResult<i64> {
    cases::table
        .filter(cases::vendor_id.eq(vendor))
        .filter(cases::status.eq_any([
            CaseStatus::Keyed,
            CaseStatus::InResolution,
            CaseStatus::Verified,
        ]))
        .count()
        .get_result(conn)
}

pub fn bill(
    conn: &mut DbConn,
    ticket: TicketId,
    contract: &ContractRow,
    day: NaiveDate,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(vendor_billings::table)
        .values((
            vendor_billings::ticket_id.eq(ticket),
            vendor_billings::vendor_id.eq(contract.vendor_id),
            vendor_billings::contract_id.eq(contract.id),
            vendor_billings::amount.eq(contract.unit_price),
            vendor_billings::billed_on.eq(day),
            vendor_billings::billed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
