//! The office's rejections (退件) of transferred tickets, imported as CSV
//! (`number,version,reason,rejected_on`). Each becomes an event of the
//! ticket version it names and counts as an error in the error rate.
//! Every row is checked first; nothing is imported unless all are good; a
//! rejection already recorded is not recorded twice.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::transfer_items;
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, TicketId};
use crate::error::{ApiError, ApiResult, FieldErrors};

pub const IMPORT_COLUMNS: &str = "number,version,reason,rejected_on";

#[derive(Debug, Deserialize)]
struct Row {
    number: String,
    version: i32,
    reason: String,
    rejected_on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectionReport {
    pub imported: usize,
    /// Rows already recorded by an earlier import.
    pub already_recorded: usize,
}

pub fn import_csv(conn: &mut DbConn, actor: &Actor, csv_text: &[u8]) -> ApiResult<RejectionReport> {
    actor.ensure_headquarters_admin()?;
    let mut reader = crate::csv_import::reader(csv_text, IMPORT_COLUMNS)?;
    let mut errors = FieldErrors::new();
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize::<Row>().enumerate() {
        let n = i + 1;
        if n > 100_000 {
            return Err(ApiError::bad_request(
                "too_many_rows",
                "import at most 100000 rejections at once",
            ));
        }
        match record {
            Ok(r) => {
                let reason = r.reason.trim().to_owned();
                if reason.is_empty()
                    || reason.chars().count() > 200
                    || reason.chars().any(char::is_control)
                {
                    errors.add(
                        format!("rows[{n}].reason"),
                        "format",
                        "1–200 printable characters",
                    );
                }
                match NaiveDate::parse_from_str(r.rejected_on.trim(), "%Y-%m-%d") {
                    Ok(day) => rows.push((
                        n,
                        r.number.trim().to_ascii_uppercase(),
                        r.version,
                        reason,
                        day,
                    )),
                    Err(_) => errors.add(
                        format!("rows[{n}].rejected_on"),
                        "format",
                        "a date, YYYY-MM-DD",
                    ),
                }
            }
            Err(e) => errors.add(format!("rows[{n}]"), "malformed", e.to_string()),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(ApiError::field(
            "rows",
            "required",
            "the file has no rejections",
        ));
    }
    write_txn(conn, |conn| {
        let mut found: Vec<(TicketId, String, NaiveDate)> = Vec::new();
        for (n, number, version, reason, day) in &rows {
            let ticket = crate::tickets::records::by_number_version(conn, number, *version)?;
            match ticket {
                None => errors.add(
                    format!("rows[{n}].number"),
                    "not_found",
                    "no such ticket number and version",
                ),
                Some(t) => {
                    let sent: i64 = transfer_items::table
                        .filter(transfer_items::ticket_id.eq(t.id))
                        .count()
                        .get_result(conn)?;
                    if sent == 0 {
                        errors.add(
                            format!("rows[{n}].number"),
                            "not_transferred",
                            "this version was never sent to the office",
                        );
                    } else {
                        found.push((t.id, reason.clone(), *day));
                    }
                }
            }
        }
        std::mem::take(&mut errors).into_result(())?;
        let (mut imported, mut already) = (0, 0);
        for (id, reason, day) in found {
            // Recorded once however many imports of the same file race:
            // the store's unique index decides, not a read before.
            let text = format!("{day}: {reason}");
            let at = now();
            if crate::tickets::records::record_rejection(conn, id, &text, actor.user_id, at)? {
                imported += 1;
            } else {
                already += 1;
            }
        }
        crate::audit::append(
            conn,
            actor
                .audit("transfer.rejections", "ticket")
                .details(serde_json::json!({"imported": imported, "already": already})),
        )?;
        Ok(RejectionReport {
            imported,
            already_recorded: already,
        })
    })
}
