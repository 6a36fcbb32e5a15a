//! Voiding a ticket whose recipient has no copy yet: not handed over at
//! the scene, not delivered by post.

use crate::domain::TicketId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::issue::ensure_police;
use super::store::{self};
use super::view::{Context, TicketStatus, TicketView, get_readable, status_of, view};
use crate::db::{DbConn, now, write_txn};
use crate::domain::Actor;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    /// Written twice by mistake.
    Duplicate,
    /// Written against the wrong vehicle or person before it left the station.
    WrongRecipient,
    /// The violation did not happen as written.
    NoViolation,
    Other,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidInput {
    pub reason: VoidReason,
    pub note: String,
}

/// Voids a ticket whose recipient has no copy yet. An on-the-spot ticket was
/// handed over at the scene and a delivered one reached its recipient, so
/// those can only be corrected.
pub fn void(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: TicketId,
    input: &VoidInput,
) -> ApiResult<TicketView> {
    ensure_police(actor)?;
    if input.note.trim().is_empty() {
        return Err(ApiError::field("note", "required", "say why"));
    }
    write_txn(conn, |conn| {
        let row = get_readable(conn, actor, id)?;
        match status_of(conn, &row)? {
            TicketStatus::Voided => {
                return Err(ApiError::conflict(
                    "already_voided",
                    "this ticket is already void",
                ));
            }
            TicketStatus::Superseded => {
                return Err(ApiError::conflict(
                    "superseded",
                    "a correction replaced this version",
                ));
            }
            TicketStatus::Issued => {}
        }
        if super::delivery::delivered(conn, id, row.kind)? {
            return Err(ApiError::conflict(
                "copy_delivered",
                "the recipient has a copy: correct it instead",
            ));
        }
        let reason = serde_json::to_value(input.reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        store::insert_event(
            conn,
            id,
            "voided",
            &format!("{reason}: {}", input.note.trim()),
            actor.user_id,
            now(),
        )?;
        super::article_counts::voided(conn, super::article_counts::ArticleKey::of(&row))?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket.void", "ticket")
                .object(id)
                .unit(row.unit_id)
                .details(serde_json::json!({"reason": reason})),
        )?;
        let row = get_readable(conn, actor, id)?;
        view(conn, ctx, row)
    })
}
