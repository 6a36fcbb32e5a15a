//! A stored check-in as supervisors and its officer see it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::input::{CheckinKind, CheckinStatus, Outcome, stored_result};
use crate::db::DbConn;
use crate::domain::{BoxId, CheckinId, PlanId, UserId};
use crate::error::ApiResult;
use crate::patrol::clock::TimeSource;
use crate::patrol::flags::Flag;
use crate::patrol::geofence::Position;
use crate::patrol::store::{self, CheckinRow};

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
    pub review: Option<crate::patrol::review::ReviewView>,
}

/// Views of check-ins with their standing reviews.
pub fn checkin_views(conn: &mut DbConn, rows: Vec<CheckinRow>) -> ApiResult<Vec<CheckinView>> {
    let flagged: Vec<CheckinId> = rows
        .iter()
        .filter(|r| r.status != CheckinStatus::Accepted)
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
        kind: row.kind,
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
