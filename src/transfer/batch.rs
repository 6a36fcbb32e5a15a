//! Transfer batches: every ticket version in force that no batch holds yet,
//! as one CSV file whose SHA-256 the office's receipt acknowledges.

use crate::db::LiteralLimitDsl;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{ticket_events, tickets, transfer_batches, transfer_items, transfer_voids};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, TicketId};
use crate::error::{ApiError, ApiResult};
use crate::tickets::records::TicketRow;

pub use super::file_format::{COLUMNS, VOID_COLUMNS};
use super::file_format::{FORMAT, VoidLine, file_of};

/// Most tickets in one batch.
pub const MAX_BATCH: i64 = 50_000;

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    pub id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub tickets: i32,
    /// SHA-256 of the file, which the receipt acknowledges.
    pub sha256: String,
    pub receipt: Option<String>,
    pub receipted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where to fetch the file.
    pub href: String,
}

type BatchRow = (
    i64,
    NaiveDateTime,
    i32,
    String,
    Option<String>,
    Option<NaiveDateTime>,
);

fn batch_view(r: BatchRow) -> BatchView {
    BatchView {
        href: format!("/api/v1/transfers/{}/file", r.0),
        id: r.0,
        created_at: r.1.and_utc(),
        tickets: r.2,
        sha256: r.3,
        receipt: r.4,
        receipted_at: r.5.map(|t| t.and_utc()),
    }
}

fn batch_row(conn: &mut DbConn, id: i64) -> ApiResult<BatchRow> {
    transfer_batches::table
        .find(id)
        .select((
            transfer_batches::id,
            transfer_batches::created_at,
            transfer_batches::tickets,
            transfer_batches::sha256,
            transfer_batches::receipt,
            transfer_batches::receipted_at,
        ))
        .first_row(conn)
        .optional()?
        .ok_or(ApiError::NotFound("transfer batch"))
}

/// The ticket versions in force that no batch holds: the newest version of
/// each number, not voided.
fn untransferred(conn: &mut DbConn) -> ApiResult<Vec<TicketRow>> {
    let rows: Vec<TicketRow> = tickets::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            transfer_items::table.filter(transfer_items::ticket_id.eq(tickets::id)),
        )))
        .order(tickets::id.asc())
        .select(TicketRow::as_select())
        .literal_limit(MAX_BATCH * 2)
        .load(conn)?;
    let superseded: std::collections::HashSet<TicketId> = tickets::table
        .filter(tickets::supersedes_id.is_not_null())
        .select(tickets::supersedes_id.assume_not_null())
        .load::<TicketId>(conn)?
        .into_iter()
        .collect();
    let voided: std::collections::HashSet<TicketId> = ticket_events::table
        .filter(ticket_events::event.eq("voided"))
        .select(ticket_events::ticket_id)
        .load::<TicketId>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter(|t| !superseded.contains(&t.id) && !voided.contains(&t.id))
        .take(MAX_BATCH as usize)
        .collect())
}

/// A void to send: the voided version's id, and the line that tells the
/// office (the version it holds, with the void's day and reason).
struct UnsentVoid {
    voided: TicketId,
    line: VoidLine,
}

/// Tickets voided since a version of their number went to the office,
/// whose void no batch has carried yet. The version voided may be a
/// correction the office never received: the line then repeats the
/// newest version it did receive, so it voids what the office holds.
fn unsent_voids(conn: &mut DbConn) -> ApiResult<Vec<UnsentVoid>> {
    let sent = diesel::alias!(tickets as sent);
    let voided: Vec<(TicketId, String, NaiveDateTime, String)> = tickets::table
        .inner_join(ticket_events::table)
        .filter(ticket_events::event.eq("voided"))
        .filter(diesel::dsl::exists(
            transfer_items::table
                .inner_join(sent.on(sent.field(tickets::id).eq(transfer_items::ticket_id)))
                .filter(sent.field(tickets::number).eq(tickets::number)),
        ))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            transfer_voids::table.filter(transfer_voids::ticket_id.eq(tickets::id)),
        )))
        .order(tickets::id.asc())
        .select((
            tickets::id,
            tickets::number,
            ticket_events::at,
            ticket_events::reason,
        ))
        .literal_limit(MAX_BATCH)
        .load(conn)?;
    let mut out = Vec::with_capacity(voided.len());
    for (id, number, at, reason) in voided {
        let held: TicketRow = tickets::table
            .inner_join(transfer_items::table)
            .filter(tickets::number.eq(&number))
            .order(tickets::version.desc())
            .select(TicketRow::as_select())
            .first_row(conn)?;
        out.push(UnsentVoid {
            voided: id,
            line: (held, at, reason),
        });
    }
    Ok(out)
}

/// The void lines a batch carries, in the order it was made with.
fn voids_of(conn: &mut DbConn, batch: i64) -> ApiResult<Vec<VoidLine>> {
    let voided = diesel::alias!(tickets as voided);
    Ok(transfer_voids::table
        .filter(transfer_voids::batch_id.eq(batch))
        .inner_join(tickets::table.on(tickets::id.eq(transfer_voids::sent_id)))
        .inner_join(voided.on(voided.field(tickets::id).eq(transfer_voids::ticket_id)))
        .inner_join(
            ticket_events::table.on(ticket_events::ticket_id
                .eq(transfer_voids::ticket_id)
                .and(ticket_events::event.eq("voided"))),
        )
        .order(transfer_voids::ticket_id.asc())
        .select((
            TicketRow::as_select(),
            ticket_events::at,
            ticket_events::reason,
        ))
        .load(conn)?)
}

/// Makes the next batch of every ticket version in force not yet sent
/// (headquarters administrators); `None` when there is nothing to send.
pub fn create(conn: &mut DbConn, actor: &Actor) -> ApiResult<Option<BatchView>> {
    actor.ensure_headquarters_admin()?;
    write_txn(conn, |conn| {
        // A ticket version goes out in one batch: batches are made one
        // after another (and the store refuses a version in two).
        crate::db::decision_lock::hold(conn, "transfer:batch")?;
        let rows = untransferred(conn)?;
        let unsent = unsent_voids(conn)?;
        if rows.is_empty() && unsent.is_empty() {
            return Ok(None);
        }
        let voids: Vec<VoidLine> = unsent.iter().map(|v| v.line.clone()).collect();
        let file = file_of(conn, &rows, &voids, FORMAT)?;
        let sha256 = crate::evidence::sha256_hex(&file);
        let count = i32::try_from(rows.len() + voids.len()).unwrap_or(i32::MAX);
        let id: i64 = crate::each_backend!(conn, |c| diesel::insert_into(transfer_batches::table)
            .values((
                transfer_batches::created_at.eq(now()),
                transfer_batches::created_by.eq(actor.user_id),
                transfer_batches::tickets.eq(count),
                transfer_batches::sha256.eq(&sha256),
                transfer_batches::format.eq(FORMAT),
            ))
            .returning(transfer_batches::id)
            .get_result(c))?;
        for t in &rows {
            diesel::insert_into(transfer_items::table)
                .values((
                    transfer_items::batch_id.eq(id),
                    transfer_items::ticket_id.eq(t.id),
                ))
                .execute(conn)?;
        }
        // A void goes out once: the key on the ticket says so, even when
        // two batches are made at the same instant.
        for v in &unsent {
            diesel::insert_into(transfer_voids::table)
                .values((
                    transfer_voids::ticket_id.eq(v.voided),
                    transfer_voids::sent_id.eq(v.line.0.id),
                    transfer_voids::batch_id.eq(id),
                ))
                .execute(conn)?;
        }
        crate::audit::append(
            conn,
            actor
                .audit("transfer.batch", "transfer_batch")
                .object(id)
                .details(serde_json::json!({"tickets": rows.len(), "voids": voids.len(), "sha256": sha256})),
        )?;
        Ok(Some(batch_view(batch_row(conn, id)?)))
    })
}

/// The file of a batch, made again from its tickets (which never change):
/// the same bytes, checked against the hash the batch recorded.
pub fn file(conn: &mut DbConn, actor: &Actor, id: i64) -> ApiResult<Vec<u8>> {
    actor.ensure_headquarters_admin()?;
    let batch = batch_row(conn, id)?;
    let rows: Vec<TicketRow> = tickets::table
        .inner_join(transfer_items::table)
        .filter(transfer_items::batch_id.eq(id))
        .order(tickets::id.asc())
        .select(TicketRow::as_select())
        .load(conn)?;
    let format: i32 = transfer_batches::table
        .find(id)
        .select(transfer_batches::format)
        .first_row(conn)?;
    let voids = voids_of(conn, id)?;
    let bytes = file_of(conn, &rows, &voids, format)?;
    if crate::evidence::sha256_hex(&bytes) != batch.3 {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "transfer batch {id} no longer hashes as recorded"
        )));
    }
    Ok(bytes)
}

/// Records the office's receipt of a batch. A receipted batch is not sent
/// again; a second, different receipt is refused.
pub fn receipt(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    receipt: &str,
    sha256: &str,
) -> ApiResult<BatchView> {
    actor.ensure_headquarters_admin()?;
    let receipt = receipt.trim();
    if receipt.is_empty() || receipt.chars().count() > 64 {
        return Err(ApiError::field(
            "receipt",
            "format",
            "the office's receipt number, 1–64 characters",
        ));
    }
    write_txn(conn, |conn| {
        let batch = batch_row(conn, id)?;
        if batch.3 != sha256.trim().to_ascii_lowercase() {
            return Err(ApiError::field(
                "sha256",
                "mismatch",
                "the receipt is for other bytes than this batch's file",
            ));
        }
        match &batch.4 {
            Some(r) if r == receipt => return Ok(batch_view(batch)),
            Some(_) => {
                return Err(ApiError::conflict(
                    "already_receipted",
                    "this batch already has another receipt",
                ));
            }
            None => {}
        }
        diesel::update(transfer_batches::table.find(id))
            .set((
                transfer_batches::receipt.eq(Some(receipt)),
                transfer_batches::receipted_at.eq(Some(now())),
            ))
            .execute(conn)?;
        crate::audit::append(
            conn,
            actor
                .audit("transfer.receipt", "transfer_batch")
                .object(id)
                .details(serde_json::json!({"receipt": receipt})),
        )?;
        Ok(batch_view(batch_row(conn, id)?))
    })
}

pub fn list(conn: &mut DbConn, actor: &Actor) -> ApiResult<Vec<BatchView>> {
    actor.ensure_headquarters_admin()?;
    let rows: Vec<BatchRow> = transfer_batches::table
        .order(transfer_batches::id.desc())
        .select((
            transfer_batches::id,
            transfer_batches::created_at,
            transfer_batches::tickets,
            transfer_batches::sha256,
            transfer_batches::receipt,
            transfer_batches::receipted_at,
        ))
        .literal_limit(500)
        .load(conn)?;
    Ok(rows.into_iter().map(batch_view).collect())
}
