//! An offline batch: the queued scans of one handheld, read and checked
//! item by item before anything is written (a bad item does not sink the
//! others), then recorded together.

use serde::Deserialize;

use super::input::{BatchResponse, CheckinInput, CheckinResult, Outcome, rejected};
use super::upload::{Checked, Scan, check, record_scans};
use crate::db::DbConn;
use crate::domain::{Actor, UserId};
use crate::error::{ApiResult, FieldError};
use crate::patrol::clock::Monotonic;
use crate::signing::SigningKeys;

/// One item of a batch, read: a scan, or why it is not one.
pub type Item = Result<CheckinInput, Vec<FieldError>>;

/// Reads each item against the document's schema and into a scan; needs
/// no storage, so it is done before the write transaction.
pub fn read_items(items: &[serde_json::Value]) -> Vec<Item> {
    crate::cores::map(items, |i, raw| {
        let errors = crate::json_body::check_item(raw, "CheckinInput", &format!("items[{i}]"));
        if !errors.is_empty() {
            return Err(errors);
        }
        CheckinInput::deserialize(raw).map_err(|e| {
            vec![FieldError::new(
                format!("items[{i}]"),
                "invalid",
                e.to_string(),
            )]
        })
    })
}

/// Who sent a batch.
pub struct Sender<'a> {
    pub actor: &'a Actor,
    pub officer: UserId,
    pub sent: Option<&'a Monotonic>,
}

/// What the scans among `items` are before anything is read, in order, a
/// batch's many on every core at once; needs no storage either, so it is
/// found before the write transaction too.
pub fn check_items(keys: &SigningKeys, sender: &Sender<'_>, items: &[Item]) -> Vec<Checked> {
    let inputs: Vec<&CheckinInput> = items.iter().filter_map(|item| item.as_ref().ok()).collect();
    crate::cores::map(&inputs, |_, input| check(keys, input, sender.sent))
}

/// Records the scans of a batch in the caller's write transaction and
/// answers each item in order; `checked` is [`check_items`] of `items`.
pub fn record_batch(
    conn: &mut DbConn,
    sender: &Sender<'_>,
    raw: &[serde_json::Value],
    items: &[Item],
    checked: &[Checked],
) -> ApiResult<BatchResponse> {
    let scans: Vec<Scan<'_>> = items
        .iter()
        .filter_map(|item| item.as_ref().ok())
        .zip(checked)
        .map(|(input, checked)| Scan {
            actor: sender.actor,
            officer: sender.officer,
            input,
            sent: sender.sent,
            checked,
        })
        .collect();
    let mut recorded = record_scans(conn, &scans)?.into_iter();
    let mut results = Vec::with_capacity(items.len());
    for (i, (raw, item)) in raw.iter().zip(items).enumerate() {
        let mut result = match item {
            Ok(_) => recorded.next().ok_or_else(|| {
                crate::error::ApiError::Internal(anyhow::anyhow!("a scan has no answer"))
            })?,
            Err(errors) => malformed(i, raw, errors.clone()),
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
    let count = |o: Outcome| results.iter().filter(|r| r.result == o).count();
    Ok(BatchResponse {
        accepted: count(Outcome::Accepted),
        flagged: count(Outcome::Flagged),
        rejected: count(Outcome::Rejected),
        replayed: results.iter().filter(|r| r.replayed).count(),
        results,
    })
}

fn malformed(i: usize, raw: &serde_json::Value, errors: Vec<FieldError>) -> CheckinResult {
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
