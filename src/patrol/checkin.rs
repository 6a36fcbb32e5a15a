//! Recording check-ins, singly or in offline batches. Each scan is judged
//! (signature, geofence, clock, travel, plan, duplicates, dwell) and kept:
//! suspicious scans are flagged, never dropped. The handheld's `client_id`
//! makes every upload idempotent: the same scan sent twice is stored once
//! and answered the same way both times.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::clock::{self, Monotonic, TimeSource};
use super::code::{self, CodeError};
use super::flags::{self, Flag};
use super::geo::{self, Position};
use super::schedule::Schedule;
use super::store::{self, BoxRow, CheckinRow, NewCheckin, PlanRow};
use super::travel::{self, Fix};
use crate::db::{DbConn, now};
use crate::domain::{Actor, BoxId, CheckinId, PlanId, UserId};
use crate::error::{ApiError, ApiResult, FieldError, FieldErrors};
use crate::signing::SigningKeys;

/// Most items one batch may carry.
pub const MAX_BATCH: usize = 1000;
/// A second scan of the same box by the same officer within this many
/// minutes is a duplicate.
pub const DUPLICATE_MINUTES: i64 = 5;
/// How long after a tap-in a tap-out may close it.
const DWELL_LOOKBACK_HOURS: i64 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckinKind {
    /// A plain visit.
    #[default]
    Visit,
    /// Arrival at a box that needs a minimum stay (守望).
    TapIn,
    /// Departure from such a box.
    TapOut,
}

impl CheckinKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinKind::Visit => "visit",
            CheckinKind::TapIn => "tap_in",
            CheckinKind::TapOut => "tap_out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [CheckinKind::Visit, CheckinKind::TapIn, CheckinKind::TapOut]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// Whether this kind of scan counts as a visit to the box.
    pub fn counts_as_visit(self) -> bool {
        self != CheckinKind::TapOut
    }
}

/// One scan as the handheld reports it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinInput {
    /// The handheld's own id for this scan (8–64 letters, digits, `-` or `_`;
    /// a UUID is ideal). Sending the same id again replays the answer.
    #[schema(example = "6f1c2a8e-3b7d-4f0e-9a51-0c2d7b9e4a11")]
    pub client_id: String,
    /// The text of the scanned QR code.
    #[schema(example = "EPB1.1.1.1.Zm9vYmFyYmF6cXV4cXV1eA")]
    pub payload: String,
    #[serde(default)]
    pub kind: CheckinKind,
    pub position: Position,
    /// The handheld's wall clock at the scan.
    pub scanned_at: DateTime<Utc>,
    /// The handheld's monotonic clock at the scan.
    pub scan_monotonic: Option<Monotonic>,
    /// The handheld's monotonic clock when sending; for a batch it may be
    /// given once for all items.
    pub sent_monotonic: Option<Monotonic>,
    /// The device reports a mock location provider is active.
    #[serde(default)]
    pub mock_location: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// Up to 1000 queued scans, oldest first. Items are judged one by one:
    /// a bad item does not sink the others.
    #[schema(value_type = Vec<CheckinInput>, min_items = 1, max_items = 1000)]
    pub items: Vec<serde_json::Value>,
    /// The handheld's monotonic clock when sending.
    pub sent_monotonic: Option<Monotonic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Accepted,
    Flagged,
    Rejected,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemError {
    /// e.g. `bad_signature`, `unknown_box`, `box_retired`, `code_superseded`,
    /// `code_key_retired`, `client_id_conflict`, `validation_failed`, `malformed_item`.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The server's answer about one scan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckinResult {
    pub client_id: String,
    pub result: Outcome,
    pub checkin_id: Option<CheckinId>,
    pub box_id: Option<BoxId>,
    /// When the scan happened, as the server judges it.
    pub occurred_at: Option<DateTime<Utc>>,
    pub time_source: Option<TimeSource>,
    /// Device clock minus the scan time the monotonic clock proved, in
    /// milliseconds; absent when the time rests on the device clock.
    pub clock_offset_ms: Option<i64>,
    pub flags: Vec<Flag>,
    /// True when this answer repeats an earlier upload of the same scan.
    pub replayed: bool,
    pub error: Option<ItemError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    /// One result per item, in the order sent.
    pub results: Vec<CheckinResult>,
    pub accepted: usize,
    pub flagged: usize,
    pub rejected: usize,
    pub replayed: usize,
}

fn rejected(client_id: &str, code: &str, message: impl Into<String>) -> CheckinResult {
    CheckinResult {
        client_id: client_id.to_owned(),
        result: Outcome::Rejected,
        checkin_id: None,
        box_id: None,
        occurred_at: None,
        time_source: None,
        clock_offset_ms: None,
        flags: Vec::new(),
        replayed: false,
        error: Some(ItemError {
            code: code.to_owned(),
            message: message.into(),
            errors: Vec::new(),
        }),
    }
}

fn stored_result(row: &CheckinRow, replayed: bool) -> CheckinResult {
    let time_source = match row.time_source.as_str() {
        "monotonic" => TimeSource::Monotonic,
        _ => TimeSource::DeviceClock,
    };
    CheckinResult {
        client_id: row.client_id.clone(),
        result: if row.status == "accepted" {
            Outcome::Accepted
        } else {
            Outcome::Flagged
        },
        checkin_id: Some(row.id),
        box_id: Some(row.box_id),
        occurred_at: Some(row.occurred_at.and_utc()),
        time_source: Some(time_source),
        clock_offset_ms: row.clock_offset_ms,
        flags: flags::decode(&row.flags),
        replayed,
        error: None,
    }
}

fn valid_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn validate(input: &CheckinInput, sent: Option<&Monotonic>) -> Result<(), Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    if !valid_client_id(&input.client_id) {
        errors.add("client_id", "format", "8–64 letters, digits, '-' or '_'");
    }
    if input.payload.trim().is_empty() {
        errors.add("payload", "required", "the scanned code is missing");
    }
    input.position.validate("position", &mut errors);
    let year = input.scanned_at.format("%Y").to_string();
    if !("2000".."2100").contains(&year.as_str()) {
        errors.add("scanned_at", "out_of_range", "the device clock is far off");
    }
    for (field, m) in [
        ("scan_monotonic", &input.scan_monotonic),
        ("sent_monotonic", &input.sent_monotonic),
    ] {
        if let Some(m) = m
            && (m.boot_id.is_empty() || m.boot_id.len() > 64)
        {
            errors.add(format!("{field}.boot_id"), "format", "1–64 characters");
        }
    }
    for (field, problem) in clock::check_readings(input.scan_monotonic.as_ref(), sent) {
        let message = match problem {
            clock::ReadingError::OutOfRange => "not a plausible monotonic reading".to_owned(),
            clock::ReadingError::QueuedTooLong => format!(
                "the scan is more than {} days before the upload",
                clock::MAX_QUEUED_MS / 86_400_000
            ),
        };
        errors.add(format!("{field}.elapsed_ms"), "out_of_range", message);
    }
    match errors.into_result(()) {
        Ok(()) => Ok(()),
        Err(ApiError::Validation(list)) => Err(list),
        Err(_) => Ok(()),
    }
}

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

pub fn schedule_of(p: &PlanRow) -> Schedule {
    Schedule {
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        weekdays: p.weekdays,
        window_start_min: p.window_start_min,
        window_end_min: p.window_end_min,
        grace_minutes: p.grace_minutes,
        created_at: p.created_at,
        retired_at: p.retired_at,
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
    let timing = clock::reconstruct(
        up.received_at,
        device_time,
        input.scan_monotonic.as_ref(),
        sent,
    );
    let at = crate::db::truncate_micros(timing.occurred_at);
    let mut found: Vec<Flag> = timing.flags.clone();

    // Where?
    let (distance, geo_flags) = geo::assess(bx.lat, bx.lon, bx.radius_m, &input.position);
    found.extend(geo_flags);
    if input.mock_location {
        found.push(Flag::MockLocation);
    }

    // Could the officer have got here?
    let here = Fix {
        lat: input.position.lat,
        lon: input.position.lon,
        accuracy_m: input.position.accuracy_m,
        at,
    };
    let (before, after) = store::officer_neighbours(conn, up.officer, at)?;
    for other in before.iter().chain(after.iter()) {
        let there = Fix {
            lat: other.lat,
            lon: other.lon,
            accuracy_m: other.accuracy_m,
            at: other.occurred_at,
        };
        if travel::impossible(&there, &here) {
            found.push(Flag::ImpossibleTravel);
        }
    }

    // Again, so soon?
    let same_kind = [input.kind.as_str()];
    if store::latest_at_box(
        conn,
        up.officer,
        bx.id,
        &same_kind,
        at - Duration::minutes(DUPLICATE_MINUTES),
        at,
    )?
    .is_some()
    {
        found.push(Flag::Duplicate);
    }
    // A tap-out closes the latest tap-in, if nothing closed it already.
    if input.kind == CheckinKind::TapOut {
        let taps = [CheckinKind::TapIn.as_str(), CheckinKind::TapOut.as_str()];
        let last = store::latest_at_box(
            conn,
            up.officer,
            bx.id,
            &taps,
            at - Duration::hours(DWELL_LOOKBACK_HOURS),
            at,
        )?;
        match (
            last.filter(|r| r.kind == CheckinKind::TapIn.as_str()),
            bx.min_dwell_secs,
        ) {
            (None, _) => found.push(Flag::DwellUnpaired),
            (Some(tap_in), Some(min))
                if (at - tap_in.occurred_at).num_seconds() < i64::from(min) =>
            {
                found.push(Flag::DwellTooShort)
            }
            _ => {}
        }
    }

    // Was it planned?
    let plan_id: Option<PlanId> = up
        .plans_for(conn, bx.id)?
        .iter()
        .find(|p| schedule_of(p).covers(at))
        .map(|p| p.id);
    if plan_id.is_none() {
        found.push(Flag::NotOnPlan);
    }

    let stored_flags = flags::encode(&found);
    let status = if stored_flags.is_empty() {
        "accepted"
    } else {
        "flagged"
    };
    let new = NewCheckin {
        client_id: input.client_id.clone(),
        officer_id: up.officer,
        box_id: bx.id,
        unit_id: bx.unit_id,
        kind: input.kind.as_str().to_owned(),
        occurred_at: at,
        time_source: timing.source.as_str().to_owned(),
        device_time,
        received_at: up.received_at,
        lat: input.position.lat,
        lon: input.position.lon,
        accuracy_m: input.position.accuracy_m,
        distance_m: (distance * 10.0).round() / 10.0,
        mock_location: input.mock_location,
        status: status.to_owned(),
        flags: stored_flags.clone(),
        plan_id,
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
            .details(serde_json::json!({"box_id": bx.id, "status": status, "flags": stored_flags})),
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

/// A check-in as shown to supervisors and its officer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinView {
    pub id: CheckinId,
    pub client_id: String,
    pub officer_id: UserId,
    pub box_id: BoxId,
    pub kind: CheckinKind,
    pub occurred_at: DateTime<Utc>,
    pub time_source: TimeSource,
    /// Device clock minus the proven scan time, in milliseconds.
    pub clock_offset_ms: Option<i64>,
    pub device_time: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub position: Position,
    /// Distance from the box, metres.
    pub distance_m: f64,
    pub mock_location: bool,
    pub result: Outcome,
    pub flags: Vec<Flag>,
    pub plan_id: Option<PlanId>,
    /// The standing review of a flagged check-in.
    pub review: Option<super::review::ReviewView>,
}

/// Views of check-ins with their standing reviews.
pub fn checkin_views(conn: &mut DbConn, rows: Vec<CheckinRow>) -> ApiResult<Vec<CheckinView>> {
    let flagged: Vec<CheckinId> = rows
        .iter()
        .filter(|r| r.status != "accepted")
        .map(|r| r.id)
        .collect();
    let mut reviews = store::latest_reviews(conn, &flagged)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let review = reviews.remove(&row.id).map(Into::into);
            CheckinView {
                review,
                ..checkin_view(row)
            }
        })
        .collect())
}

pub fn checkin_view(row: CheckinRow) -> CheckinView {
    let result = stored_result(&row, false);
    CheckinView {
        id: row.id,
        client_id: result.client_id,
        officer_id: row.officer_id,
        box_id: row.box_id,
        kind: CheckinKind::parse(&row.kind).unwrap_or_default(),
        occurred_at: row.occurred_at.and_utc(),
        time_source: result.time_source.unwrap_or(TimeSource::DeviceClock),
        clock_offset_ms: row.clock_offset_ms,
        device_time: row.device_time.and_utc(),
        received_at: row.received_at.and_utc(),
        position: Position {
            lat: row.lat,
            lon: row.lon,
            accuracy_m: row.accuracy_m,
        },
        distance_m: row.distance_m,
        mock_location: row.mock_location,
        result: result.result,
        flags: result.flags,
        plan_id: row.plan_id,
        review: None,
    }
}
