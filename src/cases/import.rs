//! Bulk intake of cases from CSV (`epatrol import cases`): every row is
//! checked, every bad row reported, and nothing is imported unless all
//! rows are good. Evidence files named in a row are read from beside the
//! CSV file, checked like uploads and stored before the cases commit
//! (stored files no case names are harmless: they are content-addressed).

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::input::{CameraReading, CaseInput, Reporter};
use super::store;
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Role};
use crate::error::{ApiError, ApiResult, FieldError, FieldErrors};
use crate::evidence::media;
use crate::evidence::{EvidenceStore, sha256_hex};
use crate::tickets::catalog::TicketKind;

/// The columns of a case import file, in order.
pub const IMPORT_COLUMNS: &str = "client_id,source,unit_code,vendor_code,violation_at,received_at,place,lat,lon,camera_id,measured_speed,speed_limit,signal_phase,plate,article_code,description,reporter_name,reporter_contact,evidence";

/// Most rows one import takes.
pub const MAX_ROWS: usize = 200_000;

#[derive(Debug, Deserialize)]
struct ImportRow {
    client_id: String,
    source: String,
    unit_code: String,
    vendor_code: Option<String>,
    violation_at: String,
    received_at: Option<String>,
    place: String,
    lat: Option<f64>,
    lon: Option<f64>,
    camera_id: Option<String>,
    measured_speed: Option<i32>,
    speed_limit: Option<i32>,
    signal_phase: Option<String>,
    plate: Option<String>,
    article_code: Option<String>,
    description: Option<String>,
    reporter_name: Option<String>,
    reporter_contact: Option<String>,
    /// Evidence files, `;`-separated, relative to the CSV file.
    evidence: Option<String>,
}

fn prefixed(n: usize, err: ApiError, errors: &mut Vec<FieldError>) -> ApiResult<()> {
    match err {
        ApiError::Validation(list) => {
            errors.extend(list.into_iter().map(|mut e| {
                e.field = format!("rows[{n}].{}", e.field);
                e
            }));
            Ok(())
        }
        other => Err(other),
    }
}

fn time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// One row as an intake, and its evidence as (media type, bytes).
type Parsed = (CaseInput, Vec<(&'static str, Vec<u8>)>);

fn parse_row(
    conn: &mut DbConn,
    n: usize,
    row: ImportRow,
    base: &Path,
    errors: &mut FieldErrors,
) -> ApiResult<Option<Parsed>> {
    let f = |name: &str| format!("rows[{n}].{name}");
    let before = errors.len();
    let source = match row.source.trim() {
        "camera" => TicketKind::Camera,
        "citizen_report" => TicketKind::CitizenReport,
        _ => {
            errors.add(f("source"), "unknown", "camera or citizen_report");
            TicketKind::Camera
        }
    };
    let unit = crate::org::directory::unit_by_code(conn, row.unit_code.trim())?;
    if unit.is_none() {
        errors.add(f("unit_code"), "not_found", "no such unit");
    }
    let vendor = match row
        .vendor_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(code) => {
            let v = crate::org::directory::vendor_by_code(conn, code)?;
            if v.is_none() {
                errors.add(f("vendor_code"), "not_found", "no such vendor");
            }
            v.map(|v| v.id)
        }
        None => None,
    };
    let violation_at = time(&row.violation_at);
    if violation_at.is_none() {
        errors.add(
            f("violation_at"),
            "format",
            "an RFC 3339 time, e.g. 2026-11-30T08:15:00+08:00",
        );
    }
    let received_at = match row.received_at.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => {
            let t = time(raw);
            if t.is_none() {
                errors.add(f("received_at"), "format", "an RFC 3339 time");
            }
            t
        }
        None => None,
    };
    let mut files = Vec::new();
    for name in row
        .evidence
        .as_deref()
        .unwrap_or("")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let path = base.join(name);
        let declared = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("png") => "image/png",
            Some("mp4") => "video/mp4",
            Some("pdf") => "application/pdf",
            _ => "",
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                match media::check(declared, &bytes, super::evidence::MAX_EVIDENCE_BYTES) {
                    Ok(t) => files.push((t, bytes)),
                    Err(_) => errors.add(
                        f("evidence"),
                        "media",
                        format!("{name}: not a JPEG, PNG, MP4 or PDF of at most 64 MiB"),
                    ),
                }
            }
            Err(_) => errors.add(
                f("evidence"),
                "not_found",
                format!("{name}: cannot be read"),
            ),
        }
    }
    let blank = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
    let camera = blank(row.camera_id).map(|camera_id| CameraReading {
        camera_id,
        measured_speed: row.measured_speed,
        speed_limit: row.speed_limit,
        signal_phase: blank(row.signal_phase),
    });
    let reporter = match (blank(row.reporter_name), blank(row.reporter_contact)) {
        (None, None) => None,
        (name, contact) => Some(Reporter {
            name: name.unwrap_or_default(),
            contact: contact.unwrap_or_default(),
        }),
    };
    let (Some(unit), Some(violation_at)) = (unit, violation_at) else {
        return Ok(None);
    };
    let input = CaseInput {
        client_id: row.client_id.trim().to_owned(),
        source,
        unit_id: unit.id,
        vendor_id: vendor,
        violation_at,
        received_at,
        place: row.place,
        position: row
            .lat
            .zip(row.lon)
            .map(|(lat, lon)| crate::tickets::input::Spot { lat, lon }),
        camera,
        plate: blank(row.plate),
        article_code: blank(row.article_code),
        description: blank(row.description),
        reporter,
    };
    let mut shape = FieldErrors::new();
    super::intake::check_fields(&input, now(), &mut shape);
    if let Err(e) = shape.into_result(()) {
        let mut list = Vec::new();
        prefixed(n, e, &mut list)?;
        for e in list {
            errors.add(e.field, &e.code, e.message);
        }
    }
    Ok((errors.len() == before).then_some((input, files)))
}

/// Imports cases from CSV; `base` is the folder evidence paths are
/// relative to. Returns how many were imported.
pub fn import_csv(
    conn: &mut DbConn,
    files: &dyn EvidenceStore,
    actor: &Actor,
    csv_text: &[u8],
    base: &Path,
    progress: &dyn Fn(u64, u64),
) -> ApiResult<usize> {
    if !matches!(actor.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let mut reader = crate::csv_import::reader(csv_text, IMPORT_COLUMNS)?;
    let mut errors = FieldErrors::new();
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize::<ImportRow>().enumerate() {
        let n = i + 1;
        if n > MAX_ROWS {
            return Err(ApiError::bad_request(
                "too_many_rows",
                format!("import at most {MAX_ROWS} cases at once"),
            ));
        }
        match record {
            Ok(row) => {
                if let Some(parsed) = parse_row(conn, n, row, base, &mut errors)? {
                    rows.push((n, parsed));
                }
            }
            Err(e) => errors.add(format!("rows[{n}]"), "malformed", e.to_string()),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(ApiError::field("rows", "required", "the file has no cases"));
    }
    errors.into_result(())?;
    for (_, (_, evidence)) in &rows {
        for (_, bytes) in evidence {
            files.put(&sha256_hex(bytes), bytes)?;
        }
    }
    let total = rows.len() as u64;
    write_txn(conn, |conn| {
        let at = now();
        let mut bad = Vec::new();
        for (i, (n, (input, evidence))) in rows.iter().enumerate() {
            if store::case_by_client_id(conn, &input.client_id)?.is_some() {
                bad.push(FieldError::new(
                    format!("rows[{n}].client_id"),
                    "taken",
                    "a case with this client id was already received",
                ));
                continue;
            }
            let fingerprint = crate::idempotency::fingerprint(input);
            match super::intake::insert(conn, actor, input, &fingerprint, at) {
                Ok(id) => {
                    for (media_type, bytes) in evidence {
                        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                        store::attach_evidence(
                            conn,
                            id,
                            &sha256_hex(bytes),
                            size,
                            media_type,
                            actor.user_id,
                            at,
                        )?;
                    }
                }
                Err(e) => prefixed(*n, e, &mut bad)?,
            }
            progress(i as u64 + 1, total);
        }
        if !bad.is_empty() {
            return Err(ApiError::Validation(bad));
        }
        Ok(rows.len())
    })
}
