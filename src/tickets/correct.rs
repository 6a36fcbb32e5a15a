//! Correcting an issued ticket with a new version that points at it.

use crate::domain::TicketId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::check::issuable;
use super::input::TicketInput;
use super::issue::{Identity, content_row, ensure_police, insert_with_people};
use super::store::{self};
use super::view::{Context, TicketStatus, TicketView, get_readable, status_of, view};
use crate::db::{DbConn, write_txn};
use crate::domain::Actor;
use crate::error::{ApiError, ApiResult};

pub use super::model::ErrorType;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    pub error_type: ErrorType,
    /// The ticket as it should have been (its `number` is ignored: a
    /// correction keeps the number).
    pub ticket: TicketInput,
}

/// Corrects an issued ticket with a new version that points at it.
/// The acknowledgement that a provision awaits the legal office.
const UNCONFIRMED: &str = "article_code:unconfirmed";

pub fn correct(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: TicketId,
    input: &CorrectionInput,
) -> ApiResult<TicketView> {
    ensure_police(actor)?;
    let fingerprint = crate::idempotency::fingerprint(input);
    ApiError::retry_after_lost_race(|| correct_once(conn, actor, ctx, id, input, &fingerprint))
}

fn correct_once(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: TicketId,
    input: &CorrectionInput,
    fingerprint: &str,
) -> ApiResult<TicketView> {
    write_txn(conn, |conn| {
        // Who is asking comes first: a replay must not hand another
        // officer's ticket (with the driver's ID) to whoever sends its id.
        let old = get_readable(conn, actor, id)?;
        if let Some(existing) = store::ticket_by_client_id(conn, &input.ticket.client_id)? {
            crate::idempotency::replay_or_conflict(
                existing.supersedes_id == Some(old.id),
                existing.request_fingerprint.as_deref(),
                fingerprint,
                "another ticket",
            )?;
            let mut v = view(conn, ctx, existing)?;
            v.replayed = true;
            return Ok(v);
        }
        match status_of(conn, &old)? {
            TicketStatus::Voided => {
                return Err(ApiError::conflict(
                    "already_voided",
                    "a void ticket is not corrected",
                ));
            }
            TicketStatus::Superseded => {
                return Err(ApiError::conflict(
                    "superseded",
                    "correct the latest version",
                ));
            }
            TicketStatus::Issued => {}
        }
        // That the provision awaits the legal office was acknowledged when
        // the ticket was issued: a correction under the same provision is
        // not asked again.
        let mut carried = input.ticket.clone();
        if carried.article_code.trim() == old.article_code
            && old
                .warnings_acknowledged
                .split(',')
                .any(|a| a == UNCONFIRMED)
            && !carried.acknowledge.iter().any(|a| a == UNCONFIRMED)
        {
            carried.acknowledge.push(UNCONFIRMED.to_owned());
        }
        let (verdict, article) = issuable(conn, &carried)?;
        let t = &carried;
        let error_type = Some(input.error_type);
        let row = content_row(
            t,
            &verdict,
            &article,
            Identity {
                number: old.number.clone(),
                serial: old.serial,
                version: old.version + 1,
                supersedes_id: Some(old.id),
                error_type,
                unit_id: old.unit_id,
                officer_id: old.officer_id,
                respond_to: old.respond_to.clone(),
                device: actor.device.clone(),
                request_fingerprint: fingerprint.to_owned(),
            },
        )?;
        let new_id = insert_with_people(conn, &row, t)?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket.correct", "ticket")
                .object(new_id)
                .unit(old.unit_id)
                .details(serde_json::json!({"supersedes": old.id, "error_type": input.error_type.as_str()})),
        )?;
        let stored = store::ticket_with_unit(conn, new_id)?
            .ok_or(ApiError::NotFound("ticket"))?
            .0;
        view(conn, ctx, stored)
    })
}
