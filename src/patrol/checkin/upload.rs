//! Recording scans inside one write transaction: single uploads and offline
//! batches alike. Each scan is judged and kept; suspicious scans are
//! flagged, never dropped. The handheld's `client_id` makes every upload
//! idempotent: the same scan sent twice is stored once and answered the
//! same way both times.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use super::input::{
    BatchResponse, CheckinInput, CheckinKind, CheckinResult, CheckinStatus, Outcome, rejected,
    stored_result, validate,
};
use super::{facts, judge};
use crate::db::{DbConn, now};
use crate::domain::{Actor, BoxId, UserId};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::patrol::clock::{self, Monotonic};
use crate::patrol::code::{self, CodeError};
use crate::patrol::flags::{self};
use crate::patrol::geofence::Position;
use crate::patrol::store::{self, BoxRow, CheckinRow, NewCheckin, PlanRow};
use crate::signing::SigningKeys;

/// What stays the same across the items of one upload.
pub struct Upload<'a> {
    pub officer: UserId,
    pub actor: &'a Actor,
    pub keys: &'a SigningKeys,
    pub received_at: NaiveDateTime,
    pub sent_monotonic: Option<Monotonic>,
    boxes: HashMap<BoxId, Option<BoxRow>>,
    plans: HashMap<BoxId, Vec<PlanRow>>,
    key_versions: HashMap<i32, bool>,
    /// Check-ins already stored under this upload's client ids.
    known: HashMap<String, CheckinRow>,
    /// Audit entries, appended together when the upload is done.
    audit: Vec<crate::audit::Entry>,
}

impl<'a> Upload<'a> {
    pub fn new(
        actor: &'a Actor,
        officer: UserId,
        keys: &'a SigningKeys,
        sent_monotonic: Option<Monotonic>,
    ) -> Self {
        Upload {
            officer,
            actor,
            keys,
            received_at: now(),
            sent_monotonic,
            boxes: HashMap::new(),
            plans: HashMap::new(),
            key_versions: HashMap::new(),
            known: HashMap::new(),
            audit: Vec::new(),
        }
    }

    /// Looks up at once which of these client ids are already stored.
    pub fn prefetch(&mut self, conn: &mut DbConn, client_ids: &[String]) -> ApiResult<()> {
        for row in store::checkins_by_client_ids(conn, client_ids)? {
            self.known.insert(row.client_id.clone(), row);
        }
        Ok(())
    }

    /// The upload's audit entries, for a caller that appends them together
    /// with others' (a group commit) instead of calling `finish`.
    pub fn take_audit(&mut self) -> Vec<crate::audit::Entry> {
        std::mem::take(&mut self.audit)
    }

    /// Writes the upload's audit entries; call it last in the transaction.
    pub fn finish(&mut self, conn: &mut DbConn) -> ApiResult<()> {
        crate::audit::store::append_all(conn, std::mem::take(&mut self.audit))?;
        Ok(())
    }

    fn find_box(&mut self, conn: &mut DbConn, id: BoxId) -> ApiResult<Option<BoxRow>> {
        if let Some(b) = self.boxes.get(&id) {
            return Ok(b.clone());
        }
        let b = store::box_with_unit(conn, id)?.map(|(b, _)| b);
        self.boxes.insert(id, b.clone());
        Ok(b)
    }

    fn key_in_force(&mut self, conn: &mut DbConn, version: i32) -> ApiResult<bool> {
        if let Some(v) = self.key_versions.get(&version) {
            return Ok(*v);
        }
        let v = store::key_version_in_force(conn, version)?;
        self.key_versions.insert(version, v);
        Ok(v)
    }

    fn plans_for(&mut self, conn: &mut DbConn, id: BoxId) -> ApiResult<&[PlanRow]> {
        if !self.plans.contains_key(&id) {
            let plans = store::plans_for(conn, self.officer, id)?;
            self.plans.insert(id, plans);
        }
        Ok(self.plans.get(&id).map(Vec::as_slice).unwrap_or_default())
    }
}

/// Records one scan inside the caller's transaction (which must end with
/// [`Upload::finish`]). Rejections are answers, not errors: they are
/// audited and the transaction goes on.
pub fn record(
    conn: &mut DbConn,
    up: &mut Upload<'_>,
    input: &CheckinInput,
) -> ApiResult<CheckinResult> {
    let sent = input.sent_monotonic.as_ref().or(up.sent_monotonic.as_ref());
    if let Err(errors) = validate(input, sent) {
        let mut r = rejected(
            &input.client_id,
            "validation_failed",
            "the scan is incomplete or malformed",
        );
        if let Some(e) = r.error.as_mut() {
            e.errors = errors;
        }
        return Ok(r);
    }
    let fingerprint = scan_fingerprint(input);
    if let Some(existing) = up.known.get(&input.client_id) {
        return Ok(replay(existing, up.officer, &fingerprint));
    }
    judge_and_insert(conn, up, input, fingerprint)
}

/// The digest of a scan as the handheld recorded it. The reading taken at
/// sending is left out: a retry sends the same scan at a later moment.
fn scan_fingerprint(input: &CheckinInput) -> String {
    #[derive(Serialize)]
    struct Scan<'a> {
        client_id: &'a str,
        payload: &'a str,
        kind: CheckinKind,
        position: &'a Position,
        scanned_at: &'a DateTime<Utc>,
        scan_monotonic: &'a Option<Monotonic>,
        mock_location: bool,
    }
    crate::idempotency::fingerprint(&Scan {
        client_id: &input.client_id,
        payload: input.payload.trim(),
        kind: input.kind,
        position: &input.position,
        scanned_at: &input.scanned_at,
        scan_monotonic: &input.scan_monotonic,
        mock_location: input.mock_location,
    })
}

/// The answer to an upload whose client id is already stored: the stored
/// result when it is the same officer's same scan, else a conflict.
fn replay(existing: &CheckinRow, officer: UserId, fingerprint: &str) -> CheckinResult {
    if existing.officer_id != officer {
        return rejected(
            &existing.client_id,
            "client_id_conflict",
            "another officer's scan has this client id",
        );
    }
    if !crate::idempotency::same_request(existing.request_fingerprint.as_deref(), fingerprint) {
        return rejected(
            &existing.client_id,
            "client_id_conflict",
            "a different scan was already stored under this client id",
        );
    }
    stored_result(existing, true)
}

fn reject_audited(
    up: &mut Upload<'_>,
    input: &CheckinInput,
    code: &str,
    message: &str,
) -> ApiResult<CheckinResult> {
    up.audit.push(
        up.actor
            .audit("checkin.rejected", "checkin")
            .object(&input.client_id)
            .details(serde_json::json!({"reason": code})),
    );
    Ok(rejected(&input.client_id, code, message))
}

fn judge_and_insert(
    conn: &mut DbConn,
    up: &mut Upload<'_>,
    input: &CheckinInput,
    fingerprint: String,
) -> ApiResult<CheckinResult> {
    let code = match code::verify(up.keys, &input.payload) {
        Ok(code) => code,
        Err(CodeError::Malformed) => {
            return reject_audited(up, input, "malformed_code", "this is not a patrol box code");
        }
        Err(CodeError::BadSignature) => {
            return reject_audited(up, input, "bad_signature", "the code is forged or altered");
        }
    };
    let Some(bx) = up.find_box(conn, code.box_id)? else {
        return reject_audited(up, input, "unknown_box", "no such patrol box");
    };
    if bx.retired_at.is_some() {
        return reject_audited(up, input, "box_retired", "this box is retired");
    }
    if code.serial != bx.code_serial {
        return reject_audited(
            up,
            input,
            "code_superseded",
            "this sticker was replaced by a newer one",
        );
    }
    if !up.key_in_force(conn, code.key_version)? {
        return reject_audited(
            up,
            input,
            "code_key_retired",
            "this sticker's key is retired; reprint it",
        );
    }

    // When did it happen?
    let device_time = crate::db::truncate_micros(input.scanned_at.naive_utc());
    let sent = input.sent_monotonic.as_ref().or(up.sent_monotonic.as_ref());
    let mut timing = clock::reconstruct(
        up.received_at,
        device_time,
        input.scan_monotonic.as_ref(),
        sent,
    );
    timing.occurred_at = crate::db::truncate_micros(timing.occurred_at);
    let at = timing.occurred_at;

    // The facts, then the rules.
    let officer = up.officer;
    let plans = up.plans_for(conn, bx.id)?;
    let facts = facts::gather(conn, officer, &bx, at, input.kind, plans)?;
    let verdict = judge::judge(input, &timing, &facts);

    let stored_flags = flags::encode(&verdict.flags);
    let status = if stored_flags.is_empty() {
        CheckinStatus::Accepted
    } else {
        CheckinStatus::Flagged
    };
    let new = NewCheckin {
        client_id: input.client_id.clone(),
        officer_id: up.officer,
        box_id: bx.id,
        unit_id: bx.unit_id,
        kind: input.kind,
        occurred_at: at,
        time_source: timing.source,
        device_time,
        received_at: up.received_at,
        lat: input.position.lat,
        lon: input.position.lon,
        accuracy_m: input.position.accuracy_m,
        distance_m: verdict.distance_m,
        mock_location: input.mock_location,
        status,
        flags: stored_flags.clone(),
        plan_id: verdict.plan_id,
        device: up.actor.device.clone(),
        request_fingerprint: Some(fingerprint.clone()),
        clock_offset_ms: timing.clock_offset_ms,
    };
    let Some(id) = store::insert_checkin(conn, &new)? else {
        // An identical upload got there first: its row is the answer.
        let existing = store::checkin_by_client_id(conn, &input.client_id)?
            .ok_or(ApiError::NotFound("checkin"))?;
        up.known
            .insert(existing.client_id.clone(), existing.clone());
        return Ok(replay(&existing, up.officer, &fingerprint));
    };
    up.audit.push(
        up.actor
            .audit("checkin.create", "checkin")
            .object(id)
            .unit(bx.unit_id)
            .details(serde_json::json!({"box_id": bx.id, "status": status.as_str(), "flags": stored_flags})),
    );
    let row = CheckinRow { id, scan: new };
    up.known.insert(row.client_id.clone(), row.clone());
    Ok(stored_result(&row, false))
}

/// Parses and records a batch, each item on its own, inside the caller's
/// write transaction: one lookup of the client ids already stored, then
/// every item judged, then one audit append for the whole upload.
pub fn record_batch(
    conn: &mut DbConn,
    up: &mut Upload<'_>,
    items: &[serde_json::Value],
) -> ApiResult<BatchResponse> {
    let parsed: Vec<Result<CheckinInput, Vec<FieldError>>> = items
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let errors = crate::json_body::check_item(raw, "CheckinInput", &format!("items[{i}]"));
            if !errors.is_empty() {
                return Err(errors);
            }
            serde_json::from_value::<CheckinInput>(raw.clone()).map_err(|e| {
                vec![FieldError::new(
                    format!("items[{i}]"),
                    "invalid",
                    e.to_string(),
                )]
            })
        })
        .collect();
    let client_ids: Vec<String> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|i| i.client_id.clone()))
        .collect();
    up.prefetch(conn, &client_ids)?;
    let mut results = Vec::with_capacity(items.len());
    for (i, (raw, input)) in items.iter().zip(parsed).enumerate() {
        let mut result = match input {
            Ok(input) => record(conn, up, &input)?,
            Err(errors) => {
                let client_id = raw
                    .get("client_id")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                let mut r = rejected(
                    client_id,
                    "malformed_item",
                    format!(
                        "item {i} is not a scan: {} field(s) are wrong",
                        errors.len()
                    ),
                );
                if let Some(e) = r.error.as_mut() {
                    e.errors = errors;
                }
                r
            }
        };
        // Field errors name the item, as `items[3].position.lat`.
        let prefix = format!("items[{i}]");
        if let Some(error) = result.error.as_mut() {
            for field in &mut error.errors {
                if !field.field.starts_with(&prefix) {
                    field.field = format!("{prefix}.{}", field.field);
                }
            }
        }
        results.push(result);
    }
    up.finish(conn)?;
    let count = |o: Outcome| results.iter().filter(|r| r.result == o).count();
    Ok(BatchResponse {
        accepted: count(Outcome::Accepted),
        flagged: count(Outcome::Flagged),
        rejected: count(Outcome::Rejected),
        replayed: results.iter().filter(|r| r.replayed).count(),
        results,
    })
}
