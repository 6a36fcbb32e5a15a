//! A scan as the handheld sends it, and the answers about it.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{BoxId, CheckinId};
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::patrol::clock::{self, Monotonic, TimeSource};
use crate::patrol::flags::{self, Flag};
use crate::patrol::geofence::Position;
use crate::patrol::store::CheckinRow;

pub use crate::patrol::model::{CheckinKind, CheckinStatus};

/// Most items one batch may carry.
pub const MAX_BATCH: usize = 1000;

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

pub(super) fn rejected(client_id: &str, code: &str, message: impl Into<String>) -> CheckinResult {
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

pub(super) fn stored_result(row: &CheckinRow, replayed: bool) -> CheckinResult {
    let time_source = match row.time_source.as_str() {
        "monotonic" => TimeSource::Monotonic,
        _ => TimeSource::DeviceClock,
    };
    CheckinResult {
        client_id: row.client_id.clone(),
        result: if row.status == CheckinStatus::Accepted {
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

pub(super) fn valid_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(super) fn validate(
    input: &CheckinInput,
    sent: Option<&Monotonic>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = FieldErrors::new();
    if !valid_client_id(&input.client_id) {
        errors.add("client_id", "format", "8–64 letters, digits, '-' or '_'");
    }
    if input.payload.trim().is_empty() {
        errors.add("payload", "required", "the scanned code is missing");
    }
    input.position.validate("position", &mut errors);
    if !(2000..2100).contains(&input.scanned_at.year()) {
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
