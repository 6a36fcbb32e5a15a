//! Mailed tickets (camera cases, citizen reports): delivered and
//! returned-undeliverable events. Once delivered, the recipient has a copy,
//! so the ticket can only be corrected, never voided (`void.rs`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::TicketKind;
use super::store;
use super::view::{Context, TicketStatus, TicketView, get_readable, status_of, view};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Role, TicketId};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryEvent {
    /// 送達: the ticket reached its recipient.
    Delivered,
    /// The post brought it back undeliverable.
    Returned,
}

impl DeliveryEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryEvent::Delivered => "delivered",
            DeliveryEvent::Returned => "returned",
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    pub event: DeliveryEvent,
    /// The post's tracking number or the reason it came back.
    pub note: String,
}

/// Whether a ticket's recipient holds a copy: handed over at the scene, or
/// a mailed ticket delivered.
pub fn delivered(conn: &mut DbConn, id: TicketId, kind: TicketKind) -> ApiResult<bool> {
    if kind == TicketKind::OnTheSpot {
        return Ok(true);
    }
    Ok(store::events_of(conn, id)?
        .iter()
        .any(|(e, _, _)| e == DeliveryEvent::Delivered.as_str()))
}

/// Records a delivery event of a mailed ticket (police supervisors and
/// administrators of its unit).
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: TicketId,
    input: &DeliveryInput,
) -> ApiResult<TicketView> {
    if !matches!(actor.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let note = input.note.trim();
    if note.is_empty() || note.chars().count() > 200 {
        return Err(ApiError::field(
            "note",
            "required",
            "the tracking number or what came back, at most 200 characters",
        ));
    }
    write_txn(conn, |conn| {
        let row = get_readable(conn, actor, id)?;
        if row.kind == TicketKind::OnTheSpot {
            return Err(ApiError::conflict(
                "not_mailed",
                "an on-the-spot ticket was handed over at the scene",
            ));
        }
        if status_of(conn, &row)? != TicketStatus::Issued {
            return Err(ApiError::conflict(
                "not_in_force",
                "this version is void or superseded: record delivery of the version in force",
            ));
        }
        if delivered(conn, id, row.kind)? {
            return Err(ApiError::conflict(
                "already_delivered",
                "the ticket was already delivered",
            ));
        }
        store::insert_event(conn, id, input.event.as_str(), note, actor.user_id, now())?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket.delivery", "ticket")
                .object(id)
                .unit(row.unit_id)
                .details(serde_json::json!({"event": input.event.as_str()})),
        )?;
        let row = get_readable(conn, actor, id)?;
        view(conn, ctx, row)
    })
}
