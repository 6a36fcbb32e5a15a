//! Supervisors' review of flagged check-ins: a flagged scan stays flagged,
//! and a review beside it says whether it counts. Reviews are appended; the
//! latest stands.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::store::{self, ReviewRow};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, CheckinId, Role, UserId};
use crate::error::{ApiError, ApiResult, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The visit happened: it counts towards coverage.
    Accept,
    /// The visit is not believed: it does not count.
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub decision: Decision,
    /// Why: what was checked, what the officer said.
    #[schema(example = "GPS 訊號受大樓遮蔽，經查監視器確認到場")]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub decision: String,
    pub note: String,
    pub reviewer_id: UserId,
    pub at: DateTime<Utc>,
}

impl From<ReviewRow> for ReviewView {
    fn from(r: ReviewRow) -> Self {
        ReviewView {
            decision: r.decision,
            note: r.note,
            reviewer_id: r.reviewer_id,
            at: r.created_at.and_utc(),
        }
    }
}

pub fn review(
    conn: &mut DbConn,
    actor: &Actor,
    id: CheckinId,
    input: ReviewInput,
) -> ApiResult<ReviewView> {
    if !matches!(actor.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let mut errors = FieldErrors::new();
    let note = input.note.trim().to_owned();
    if note.is_empty() {
        errors.add("note", "required", "say why");
    } else if note.chars().count() > 500 {
        errors.add("note", "too_long", "at most 500 characters");
    }
    errors.into_result(())?;
    let reviewer = actor
        .user_id
        .ok_or(ApiError::Forbidden("role_not_allowed"))?;
    write_txn(conn, |conn| {
        let (row, unit) =
            store::checkin_with_unit(conn, id)?.ok_or(ApiError::NotFound("checkin"))?;
        if !actor.reaches(&unit.path) {
            return Err(ApiError::NotFound("checkin"));
        }
        if row.status != crate::patrol::checkin::CheckinStatus::Flagged {
            return Err(ApiError::conflict(
                "not_flagged",
                "only flagged check-ins are reviewed",
            ));
        }
        if row.officer_id == reviewer {
            return Err(ApiError::Forbidden("own_checkin"));
        }
        let at = now();
        store::insert_review(conn, id, reviewer, input.decision.as_str(), &note, at)?;
        crate::audit::append(
            conn,
            actor
                .audit("checkin.review", "checkin")
                .object(id)
                .unit(unit.id)
                .details(serde_json::json!({"decision": input.decision.as_str()})),
        )?;
        let latest = store::latest_reviews(conn, &[id])?;
        latest
            .into_values()
            .next()
            .map(ReviewView::from)
            .ok_or(ApiError::NotFound("review"))
    })
}
