//! Reading check-ins: which an account may see is decided here, once, for
//! the API's list and record and the console's review pages alike.

use chrono::NaiveDateTime;

use super::boxes::{self, BoxView};
use super::checkin::view::{checkin_view, checkin_views};
use super::checkin::{CheckinStatus, CheckinView};
use super::store::{self, CheckinFilter, CheckinRow};
use crate::db::DbConn;
use crate::domain::{Actor, BoxId, CheckinId, UserId};
use crate::error::{ApiError, ApiResult};

/// What a list asks for, besides the reader's reach.
#[derive(Debug, Clone, Default)]
pub struct Criteria {
    /// Another officer's check-ins (supervisors; an officer sees only
    /// their own whatever is asked).
    pub officer_id: Option<UserId>,
    pub box_id: Option<BoxId>,
    pub status: Option<CheckinStatus>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub after: Option<i64>,
    pub limit: i64,
}

/// The stored check-ins within `actor`'s reach that match `criteria`.
fn rows(conn: &mut DbConn, actor: &Actor, criteria: &Criteria) -> ApiResult<Vec<CheckinRow>> {
    let scope = crate::visibility::police_list_scope(actor)?;
    Ok(store::list_checkins(
        conn,
        &CheckinFilter {
            within_path: scope.within_path(),
            officer_id: scope.author().or(criteria.officer_id),
            box_id: criteria.box_id,
            status: criteria.status.map(CheckinStatus::as_str),
            from: criteria.from,
            to: criteria.to,
            after: criteria.after,
            limit: criteria.limit,
        },
    )?)
}

/// The check-ins within `actor`'s reach that match `criteria`, oldest id
/// first, without their reviews.
pub fn list(conn: &mut DbConn, actor: &Actor, criteria: &Criteria) -> ApiResult<Vec<CheckinView>> {
    Ok(rows(conn, actor, criteria)?
        .into_iter()
        .map(checkin_view)
        .collect())
}

/// One check-in within `actor`'s reach, with its review; not found
/// otherwise.
pub fn get(conn: &mut DbConn, actor: &Actor, id: CheckinId) -> ApiResult<CheckinView> {
    let (row, unit) = store::checkin_with_unit(conn, id)?.ok_or(ApiError::NotFound("checkin"))?;
    if !crate::visibility::may_read(actor, row.officer_id, &unit.path) {
        return Err(ApiError::NotFound("checkin"));
    }
    checkin_views(conn, vec![row])?
        .pop()
        .ok_or(ApiError::NotFound("checkin"))
}

/// One check-in within `actor`'s reach and the box it was made at.
pub fn get_with_box(
    conn: &mut DbConn,
    actor: &Actor,
    id: CheckinId,
) -> ApiResult<(CheckinView, BoxView)> {
    let view = get(conn, actor, id)?;
    let (b, unit) = store::box_with_unit(conn, view.box_id)?.ok_or(ApiError::NotFound("box"))?;
    Ok((view, boxes::view(b, unit)))
}

/// Flagged check-ins within `actor`'s reach that no one has reviewed yet.
pub fn waiting_reviews(conn: &mut DbConn, actor: &Actor) -> ApiResult<Vec<CheckinView>> {
    let flagged = Criteria {
        status: Some(CheckinStatus::Flagged),
        limit: 500,
        ..Criteria::default()
    };
    let found = rows(conn, actor, &flagged)?;
    let mut views = checkin_views(conn, found)?;
    views.retain(|v| v.review.is_none());
    Ok(views)
}

/// The boxes and officers of some check-ins by code and name, as people
/// read them ("B-0001 東門圓環", "O1 王小明"), never by internal id.
#[derive(Debug, Default)]
pub struct Names {
    boxes: std::collections::HashMap<crate::domain::BoxId, String>,
    officers: std::collections::HashMap<crate::domain::UserId, String>,
}

impl Names {
    pub fn of_box(&self, id: crate::domain::BoxId) -> &str {
        self.boxes.get(&id).map_or("—", String::as_str)
    }

    pub fn of_officer(&self, id: crate::domain::UserId) -> &str {
        self.officers.get(&id).map_or("—", String::as_str)
    }
}

/// The names of the boxes and officers of `views`.
pub fn names_of(conn: &mut DbConn, views: &[CheckinView]) -> ApiResult<Names> {
    let mut boxes: Vec<_> = views.iter().map(|v| v.box_id).collect();
    boxes.sort();
    boxes.dedup();
    let mut officers: Vec<_> = views.iter().map(|v| v.officer_id).collect();
    officers.sort();
    officers.dedup();
    let (boxes, officers) = super::coverage::names(conn, &boxes, &officers)?;
    let joined = |(code, name): (String, String)| format!("{code} {name}");
    Ok(Names {
        boxes: boxes.into_iter().map(|(id, n)| (id, joined(n))).collect(),
        officers: officers
            .into_iter()
            .map(|(id, n)| (id, joined(n)))
            .collect(),
    })
}
