//! A scan sent again: the same officer's same scan gets the stored answer,
//! anything else under its client id a conflict.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::input::{CheckinInput, CheckinKind, CheckinResult, rejected, stored_result};
use crate::domain::UserId;
use crate::patrol::clock::Monotonic;
use crate::patrol::geofence::Position;
use crate::patrol::store::CheckinRow;

/// The digest of a scan as the handheld recorded it. The reading taken at
/// sending is left out: a retry sends the same scan at a later moment.
pub(super) fn scan_fingerprint(input: &CheckinInput) -> String {
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
pub(super) fn replay(existing: &CheckinRow, officer: UserId, fingerprint: &str) -> CheckinResult {
    match crate::idempotency::replay_or_conflict(
        existing.officer_id == officer,
        existing.request_fingerprint.as_deref(),
        fingerprint,
        "another scan",
    ) {
        Ok(()) => stored_result(existing, true),
        Err(_) => rejected(
            &existing.client_id,
            "client_id_conflict",
            "another scan was already stored under this client id",
        ),
    }
}
