//! Recording scans inside one write transaction: one upload, a group of
//! uploads committed together, or an offline batch alike. Each scan is
//! judged and kept; suspicious scans are flagged, never dropped. The
//! handheld's `client_id` makes every upload idempotent: the same scan sent
//! twice is stored once and answered the same way both times.
//!
//! The scans are taken in four steps, so that their number costs rows, not
//! round trips: what needs no storage (the shape, the code's signature, the
//! fingerprint), found by the caller before the transaction; one read each
//! of the client ids already stored, the boxes and the code keys; the plans and the officers' scans around these
//! ([`super::facts`]); then each scan judged in order against what is held,
//! which grows by every scan judged, and the new rows inserted several per
//! statement with one extension of the audit chain.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::facts::{Judged, Known};
use super::input::{CheckinInput, CheckinResult, CheckinStatus, rejected, stored_result, validate};
use super::judge;
use super::replay::{replay, scan_fingerprint};
use crate::audit::Entry;
use crate::db::{DbConn, now};
use crate::domain::{Actor, UserId};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::patrol::clock::{self, Monotonic, ScanTime};
use crate::patrol::code::{self, BoxCode, CodeError};
use crate::patrol::flags;
use crate::patrol::store::{self, CheckinRow, NewCheckin};
use crate::patrol::travel::Fix;
use crate::signing::SigningKeys;

/// One scan to record, with who sent it.
pub struct Scan<'a> {
    pub actor: &'a Actor,
    pub officer: UserId,
    pub input: &'a CheckinInput,
    /// The reading of the monotonic clock at sending, when the upload
    /// carries one for all its scans.
    pub sent: Option<&'a Monotonic>,
    /// What [`check`] found of the scan.
    pub checked: &'a Checked,
}

/// What is known of a scan before anything is read: the shape, the
/// code's signature, the fingerprint. It needs no storage, so it is found
/// before the write transaction ([`check`]) rather than while the
/// database waits on the writer.
pub struct Checked {
    shape: Result<(), Vec<FieldError>>,
    fingerprint: String,
    code: Result<BoxCode, CodeError>,
}

/// Where a scan's answer comes from once the new rows are inserted.
enum Answer {
    Ready(CheckinResult),
    /// Stored as new row `n`.
    Stored(usize),
    /// The client id of new row `n`, sent again in the same call, with
    /// this scan's fingerprint.
    SentAgain(usize, String),
}

/// The audit trail in the order of the scans; a new row's entry waits for
/// the row's id.
enum Trail {
    Entry(Entry),
    Created(usize),
}

/// Records `scans` in the caller's transaction, in order, and appends
/// their audit entries. Rejections are answers, not errors: they are
/// audited and the transaction goes on.
pub fn record_scans(conn: &mut DbConn, scans: &[Scan<'_>]) -> ApiResult<Vec<CheckinResult>> {
    let received_at = now();

    let client_ids: Vec<String> = scans.iter().map(|s| s.input.client_id.clone()).collect();
    let stored: HashMap<String, CheckinRow> = store::checkins_by_client_ids(conn, &client_ids)?
        .into_iter()
        .map(|r| (r.client_id.clone(), r))
        .collect();
    let box_ids: Vec<_> = scans
        .iter()
        .filter_map(|s| s.checked.code.as_ref().ok().map(|code| code.box_id))
        .collect();
    let mut known = Known::boxes_and_keys(conn, &box_ids)?;

    // When each scan in a box in service happened; then what is around them.
    let mut judged = Vec::new();
    let mut timings: Vec<Option<ScanTime>> = Vec::with_capacity(scans.len());
    for scan in scans {
        let c = scan.checked;
        let timing = match &c.code {
            Ok(code) if known.box_row(code.box_id).is_some() && c.shape.is_ok() => {
                let timing = scan_time(received_at, scan);
                judged.push(Judged {
                    officer: scan.officer,
                    box_id: code.box_id,
                    kind: scan.input.kind,
                    at: timing.occurred_at,
                });
                Some(timing)
            }
            _ => None,
        };
        timings.push(timing);
    }
    known.load_around(conn, &judged)?;

    let mut answers = Vec::with_capacity(scans.len());
    let mut trail = Vec::new();
    let mut rows: Vec<NewCheckin> = Vec::new();
    // The scan each new row came from.
    let mut row_scan: Vec<usize> = Vec::new();
    let mut new_by_client: HashMap<&str, usize> = HashMap::new();
    for (i, (scan, timing)) in scans.iter().zip(timings).enumerate() {
        let client_id = scan.input.client_id.as_str();
        let c = scan.checked;
        let answer = if let Err(errors) = &c.shape {
            let mut r = rejected(
                client_id,
                "validation_failed",
                "the scan is incomplete or malformed",
            );
            if let Some(e) = r.error.as_mut() {
                e.errors = errors.clone();
            }
            Answer::Ready(r)
        } else if let Some(existing) = stored.get(client_id) {
            Answer::Ready(replay(existing, scan.officer, &c.fingerprint))
        } else if let Some(&n) = new_by_client.get(client_id) {
            Answer::SentAgain(n, c.fingerprint.clone())
        } else {
            match judge_scan(&mut known, scan, timing, received_at) {
                Ok(row) => {
                    rows.push(row);
                    row_scan.push(i);
                    let n = rows.len() - 1;
                    new_by_client.insert(client_id, n);
                    trail.push(Trail::Created(n));
                    Answer::Stored(n)
                }
                Err((code, message)) => {
                    trail.push(Trail::Entry(
                        scan.actor
                            .audit("checkin.rejected", "checkin")
                            .object(client_id)
                            .details(serde_json::json!({"reason": code})),
                    ));
                    Answer::Ready(rejected(client_id, code, message))
                }
            }
        };
        answers.push(answer);
    }

    let stored_rows = insert(conn, rows)?;
    let mut audit = Vec::with_capacity(trail.len());
    for t in trail {
        match t {
            Trail::Entry(e) => audit.push(e),
            Trail::Created(n) => {
                if let Some((CheckinRow { id, scan: row }, true)) = stored_rows.get(n)
                    && let Some(s) = row_scan.get(n).and_then(|&i| scans.get(i))
                {
                    audit.push(
                        s.actor
                            .audit("checkin.create", "checkin")
                            .object(*id)
                            .unit(row.unit_id)
                            .details(serde_json::json!({
                                "box_id": row.box_id,
                                "status": row.status.as_str(),
                                "flags": row.flags,
                            })),
                    );
                }
            }
        }
    }
    crate::audit::append_all(conn, audit)?;

    let mut results = Vec::with_capacity(answers.len());
    for (scan, answer) in scans.iter().zip(answers) {
        let result = match answer {
            Answer::Ready(r) => r,
            Answer::Stored(n) => match stored_rows.get(n) {
                Some((row, true)) => stored_result(row, false),
                Some((row, false)) => replay(row, scan.officer, &scan_fingerprint(scan.input)),
                None => return Err(unaccounted()),
            },
            Answer::SentAgain(n, fingerprint) => match stored_rows.get(n) {
                Some((row, _)) => replay(row, scan.officer, &fingerprint),
                None => return Err(unaccounted()),
            },
        };
        results.push(result);
    }
    Ok(results)
}

/// What a scan is before anything is read; `sent` is the upload's
/// reading of the monotonic clock at sending, when it carries one for all
/// its scans.
pub fn check(keys: &SigningKeys, input: &CheckinInput, sent: Option<&Monotonic>) -> Checked {
    let sent = input.sent_monotonic.as_ref().or(sent);
    Checked {
        shape: validate(input, sent),
        fingerprint: scan_fingerprint(input),
        code: code::verify(keys, &input.payload),
    }
}

/// The handheld's wall clock at the scan, as stored.
fn device_time(input: &CheckinInput) -> NaiveDateTime {
    crate::db::truncate_micros(input.scanned_at.naive_utc())
}

fn scan_time(received_at: NaiveDateTime, scan: &Scan<'_>) -> ScanTime {
    let input = scan.input;
    let sent = input.sent_monotonic.as_ref().or(scan.sent);
    let mut timing = clock::reconstruct(
        received_at,
        device_time(input),
        input.scan_monotonic.as_ref(),
        sent,
    );
    timing.occurred_at = crate::db::truncate_micros(timing.occurred_at);
    timing
}

/// Judges a scan whose shape is right: the row to store, or why it is
/// refused. `timing` is when it happened, known once its box is known to
/// be in service.
fn judge_scan(
    known: &mut Known,
    scan: &Scan<'_>,
    timing: Option<ScanTime>,
    received_at: NaiveDateTime,
) -> Result<NewCheckin, (&'static str, &'static str)> {
    let code = match &scan.checked.code {
        Ok(code) => code,
        Err(CodeError::Malformed) => {
            return Err(("malformed_code", "this is not a patrol box code"));
        }
        Err(CodeError::BadSignature) => {
            return Err(("bad_signature", "the code is forged or altered"));
        }
    };
    let (Some(bx), Some(timing)) = (known.box_row(code.box_id).cloned(), timing) else {
        return Err(("unknown_box", "no such patrol box"));
    };
    if bx.retired_at.is_some() {
        return Err(("box_retired", "this box is retired"));
    }
    if code.serial != bx.code_serial {
        return Err((
            "code_superseded",
            "this sticker was replaced by a newer one",
        ));
    }
    if !known.key_in_force(code.key_version) {
        return Err((
            "code_key_retired",
            "this sticker's key is retired; reprint it",
        ));
    }
    let input = scan.input;
    let at = timing.occurred_at;
    let judged = Judged {
        officer: scan.officer,
        box_id: bx.id,
        kind: input.kind,
        at,
    };
    let verdict = judge::judge(input, &timing, &known.facts(&judged, &bx));
    known.add(
        &judged,
        Fix {
            lat: input.position.lat,
            lon: input.position.lon,
            accuracy_m: input.position.accuracy_m,
            at,
        },
    );
    let stored_flags = flags::encode(&verdict.flags);
    let status = if stored_flags.is_empty() {
        CheckinStatus::Accepted
    } else {
        CheckinStatus::Flagged
    };
    Ok(NewCheckin {
        client_id: input.client_id.clone(),
        officer_id: scan.officer,
        box_id: bx.id,
        unit_id: bx.unit_id,
        kind: input.kind,
        occurred_at: at,
        time_source: timing.source,
        device_time: device_time(input),
        received_at,
        lat: input.position.lat,
        lon: input.position.lon,
        accuracy_m: input.position.accuracy_m,
        distance_m: verdict.distance_m,
        mock_location: input.mock_location,
        status,
        flags: stored_flags,
        plan_id: verdict.plan_id,
        device: scan.actor.device.clone(),
        request_fingerprint: Some(scan.checked.fingerprint.clone()),
        clock_offset_ms: timing.clock_offset_ms,
    })
}

/// Inserts the new rows; each comes back with its id and whether this call
/// inserted it (`false`: an identical upload racing this one got there
/// first, and its row is returned instead).
fn insert(conn: &mut DbConn, rows: Vec<NewCheckin>) -> ApiResult<Vec<(CheckinRow, bool)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: HashMap<String, _> = store::insert_checkins(conn, &rows)?
        .into_iter()
        .map(|(id, client_id)| (client_id, id))
        .collect();
    let lost: Vec<String> = rows
        .iter()
        .filter(|r| !ids.contains_key(&r.client_id))
        .map(|r| r.client_id.clone())
        .collect();
    let mut others: HashMap<String, CheckinRow> = if lost.is_empty() {
        HashMap::new()
    } else {
        store::checkins_by_client_ids(conn, &lost)?
            .into_iter()
            .map(|r| (r.client_id.clone(), r))
            .collect()
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        match ids.get(&row.client_id) {
            Some(&id) => out.push((CheckinRow { id, scan: row }, true)),
            None => {
                let other = others.remove(&row.client_id).ok_or_else(unaccounted)?;
                out.push((other, false));
            }
        }
    }
    Ok(out)
}

/// A new row neither inserted nor found: the transaction is given up.
fn unaccounted() -> ApiError {
    ApiError::Internal(anyhow::anyhow!("a check-in was neither inserted nor found"))
}
