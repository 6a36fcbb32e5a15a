//! The transfer file: one CSV line per ticket version, and in format 2 one
//! per void of a version sent before (`docs/transfer-format.md`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::LiteralLimitDsl;
use crate::db::schema::units;

use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::tickets::records::{TicketRow, people_of};

/// The columns of a transfer file, in order (`docs/transfer-format.md`).
pub const COLUMNS: [&str; 18] = [
    "number",
    "version",
    "supersedes_version",
    "kind",
    "issued_at",
    "violation_at",
    "place",
    "plate",
    "vehicle_class",
    "article_code",
    "fine",
    "due_date",
    "unit_code",
    "recipient_role",
    "recipient_name",
    "recipient_national_id",
    "recipient_address",
    "error_type",
];

/// What format 2 adds after [`COLUMNS`]: whether the line is a ticket
/// version or the void of one sent before, and the void's day and reason.
pub const VOID_COLUMNS: [&str; 3] = ["record", "voided_at", "void_reason"];

/// The file format of batches made now (1: [`COLUMNS`] only, before voids
/// were sent).
pub const FORMAT: i32 = 2;

/// A ticket version sent before and voided since: (version, voided at, reason).
pub(super) type VoidLine = (TicketRow, NaiveDateTime, String);

/// The transfer file of these tickets and voids, in `format` (1: tickets
/// only, as batches were made before voids were sent).
pub(super) fn file_of(
    conn: &mut DbConn,
    rows: &[TicketRow],
    voids: &[VoidLine],
    format: i32,
) -> ApiResult<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let io = |e: csv::Error| ApiError::Internal(anyhow::Error::new(e));
        let mut header: Vec<&str> = COLUMNS.to_vec();
        if format >= 2 {
            header.extend(VOID_COLUMNS);
        }
        w.write_record(&header).map_err(io)?;
        let lines = rows
            .iter()
            .map(|t| (t, None))
            .chain(voids.iter().map(|(t, at, reason)| (t, Some((at, reason)))));
        for (t, void) in lines {
            let unit_code: String = units::table
                .find(t.unit_id)
                .select(units::code)
                .first_row(conn)?;
            let people = people_of(conn, t.id)?;
            let (role, person) = people
                .iter()
                .find(|(r, _)| r == "owner")
                .or_else(|| people.first())
                .map(|(r, p)| (r.clone(), Some(p.clone())))
                .unwrap_or_default();
            let supersedes_version = match t.supersedes_id {
                Some(_) => (t.version - 1).to_string(),
                None => String::new(),
            };
            let mut record = vec![
                t.number.clone(),
                t.version.to_string(),
                supersedes_version,
                t.kind.as_str().to_owned(),
                t.issued_at.and_utc().to_rfc3339(),
                t.violation_at.and_utc().to_rfc3339(),
                t.place.clone(),
                t.plate.as_str().to_owned(),
                t.vehicle_class.as_str().to_owned(),
                t.article_code.clone(),
                t.fine.to_string(),
                t.due_date.to_string(),
                unit_code,
                role,
                person.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                person
                    .as_ref()
                    .and_then(|p| p.national_id.clone())
                    .unwrap_or_default(),
                person
                    .as_ref()
                    .and_then(|p| p.address.clone())
                    .unwrap_or_default(),
                t.error_type
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
            ];
            if format >= 2 {
                match void {
                    None => record.extend(["ticket".to_owned(), String::new(), String::new()]),
                    Some((at, reason)) => record.extend([
                        "void".to_owned(),
                        at.and_utc().to_rfc3339(),
                        reason.clone(),
                    ]),
                }
            }
            w.write_record(&record).map_err(io)?;
        }
        w.flush().map_err(|e| ApiError::Internal(e.into()))?;
    }
    Ok(out)
}
