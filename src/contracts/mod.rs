//! Vendor contracts (委外製單契約): price per ticket, yearly caps on tickets
//! and money, a period. Tickets the vendor keyed are billed as they are
//! issued; the department is warned at 80% and 95% of a cap, nothing is
//! billed past it, and cases beyond it go to police keying so nothing
//! stalls. Monthly statements in `statement.rs`.

pub mod caps;
pub mod http;
pub mod statement;
mod store;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use self::caps::{MAX_UNIT_PRICE, Usage};
use self::store::{ContractRow, NewContract};
use crate::db::{DbConn, now, write_txn};
use crate::domain::time::taiwan_date;
use crate::domain::{Actor, TicketId, VendorId};
use crate::error::{ApiError, ApiResult, FieldErrors};

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContract {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// NT$ per ticket, at most 13.
    #[schema(example = 13)]
    pub unit_price: i32,
    #[schema(example = 855200)]
    pub yearly_ticket_cap: i32,
    #[schema(example = 12000000)]
    pub yearly_amount_cap: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractView {
    pub id: i64,
    pub vendor_id: VendorId,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub unit_price: i32,
    pub yearly_ticket_cap: i32,
    pub yearly_amount_cap: i64,
}

pub fn view(c: &ContractRow) -> ContractView {
    ContractView {
        id: c.id,
        vendor_id: c.vendor_id,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        unit_price: c.unit_price,
        yearly_ticket_cap: c.yearly_ticket_cap,
        yearly_amount_cap: c.yearly_amount_cap,
    }
}

/// The days of `year` within the contract.
pub fn year_span(c: &ContractRow, year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(c.starts_on);
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(c.ends_on);
    (first.max(c.starts_on), last.min(c.ends_on))
}

/// What the contract's year of `day` has used.
pub fn usage(conn: &mut DbConn, c: &ContractRow, day: NaiveDate) -> ApiResult<Usage> {
    let (from, to) = year_span(c, day.year());
    let (tickets, amount) = store::billed(conn, c.id, from, to)?;
    Ok(Usage {
        unit_price: c.unit_price,
        ticket_cap: i64::from(c.yearly_ticket_cap),
        amount_cap: c.yearly_amount_cap,
        tickets,
        amount,
    })
}

/// Adds a contract (headquarters administrators); periods of one vendor
/// never overlap.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    vendor: VendorId,
    input: &CreateContract,
) -> ApiResult<ContractView> {
    actor.ensure_headquarters_admin()?;
    let mut errors = FieldErrors::new();
    if input.ends_on < input.starts_on {
        errors.add(
            "ends_on",
            "before_start",
            "the contract ends before it starts",
        );
    }
    if !(1..=MAX_UNIT_PRICE).contains(&input.unit_price) {
        errors.add(
            "unit_price",
            "out_of_range",
            format!("NT$1 to NT${MAX_UNIT_PRICE} a ticket"),
        );
    }
    if input.yearly_ticket_cap < 1 {
        errors.add("yearly_ticket_cap", "out_of_range", "at least one ticket");
    }
    if !(1..=1_000_000_000_000).contains(&input.yearly_amount_cap) {
        errors.add(
            "yearly_amount_cap",
            "out_of_range",
            "NT$1 to NT$1,000,000,000,000",
        );
    }
    errors.into_result(())?;
    write_txn(conn, |conn| {
        crate::org::directory::vendor_by_id(conn, vendor)?.ok_or(ApiError::NotFound("vendor"))?;
        let overlaps = store::of_vendor(conn, vendor)?
            .iter()
            .any(|c| c.starts_on <= input.ends_on && input.starts_on <= c.ends_on);
        if overlaps {
            return Err(ApiError::conflict(
                "contract_overlaps",
                "another contract of this vendor covers part of the period",
            ));
        }
        let id = store::insert(
            conn,
            &NewContract {
                vendor_id: vendor,
                starts_on: input.starts_on,
                ends_on: input.ends_on,
                unit_price: input.unit_price,
                yearly_ticket_cap: input.yearly_ticket_cap,
                yearly_amount_cap: input.yearly_amount_cap,
                created_by: actor.user_id,
                created_at: now(),
            },
        )?;
        crate::audit::append(
            conn,
            actor
                .audit("contract.create", "vendor_contract")
                .object(id)
                .details(serde_json::json!({"vendor": vendor.0, "unit_price": input.unit_price})),
        )?;
        let c = store::of_vendor(conn, vendor)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(ApiError::NotFound("contract"))?;
        Ok(view(&c))
    })
}

/// Whether a new case may go to `vendor`: yes without a contract in force
/// (the department pays by other means), else while the year's caps leave
/// room for it beside the tickets already coming.
pub fn takes_more(conn: &mut DbConn, vendor: VendorId, at: NaiveDateTime) -> ApiResult<bool> {
    let day = taiwan_date(at);
    let Some(c) = store::in_force(conn, vendor, day)? else {
        return Ok(true);
    };
    let coming = store::in_flight(conn, vendor)?;
    Ok(usage(conn, &c, day)?.has_room_for(coming))
}

/// The vendor's contracts, oldest first.
pub fn of_vendor(conn: &mut DbConn, vendor: VendorId) -> ApiResult<Vec<ContractView>> {
    Ok(store::of_vendor(conn, vendor)?.iter().map(view).collect())
}

/// Bills the ticket of a case the vendor keyed, inside the issuing
/// transaction. Past a cap nothing is billed (the ticket is issued all the
/// same) and the refusal is audited; crossing 80% or 95% is logged.
pub fn bill_issue(
    conn: &mut DbConn,
    actor: &Actor,
    vendor: VendorId,
    ticket: TicketId,
    at: NaiveDateTime,
) -> ApiResult<bool> {
    let day = taiwan_date(at);
    let Some(c) = store::in_force(conn, vendor, day)? else {
        return Ok(false);
    };
    // Up to the cap and not one past it, however approvals interleave.
    crate::db::decision_lock::hold(conn, &format!("contract:{}", c.id))?;
    let before = usage(conn, &c, day)?;
    if !before.may_bill_one() {
        crate::audit::append(
            conn,
            actor
                .audit("contract.over_cap", "vendor_contract")
                .object(c.id)
                .details(serde_json::json!({"ticket": ticket.0})),
        )?;
        tracing::warn!(
            contract.id = c.id,
            "a vendor cap is reached: ticket not billed"
        );
        return Ok(false);
    }
    store::bill(conn, ticket, &c, day, at)?;
    let after = Usage {
        tickets: before.tickets + 1,
        amount: before.amount + i64::from(c.unit_price),
        ..before
    };
    if caps::warnings(&after) != caps::warnings(&before) {
        for w in caps::warnings(&after) {
            tracing::warn!(contract.id = c.id, cap = %w.cap, reached = w.reached, "a vendor contract nears its cap");
        }
    }
    Ok(true)
}
