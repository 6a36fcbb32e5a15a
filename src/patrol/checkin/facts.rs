//! Gathering what the check-in rules need to know, in as few queries as the
//! scan allows: the officer's neighbouring scans in time, the latest scans
//! at this box, and (once per box and upload) the officer's plans.

use chrono::NaiveDateTime;

use super::input::CheckinKind;
use super::judge::{self, Facts};
use crate::db::DbConn;
use crate::domain::UserId;
use crate::error::ApiResult;
use crate::patrol::store::{self, BoxRow, PlanRow};
use crate::patrol::travel::Fix;

/// The facts about a scan of `bx` at `at` by `officer`; `plans` are the
/// officer's plans for this box, fetched once per upload by the caller.
pub fn gather<'a>(
    conn: &mut DbConn,
    officer: UserId,
    bx: &'a BoxRow,
    at: NaiveDateTime,
    kind: CheckinKind,
    plans: &'a [PlanRow],
) -> ApiResult<Facts<'a>> {
    let (before, after) = store::officer_neighbours(conn, officer, at)?;
    let neighbours = before
        .iter()
        .chain(after.iter())
        .map(|other| Fix {
            lat: other.lat,
            lon: other.lon,
            accuracy_m: other.accuracy_m,
            at: other.occurred_at,
        })
        .collect();
    let recent_same_kind = store::latest_at_box(
        conn,
        officer,
        bx.id,
        &[kind.as_str()],
        judge::duplicate_window(at),
        at,
    )?
    .map(|r| r.occurred_at);
    let last_tap = if kind == CheckinKind::TapOut {
        let taps = [CheckinKind::TapIn.as_str(), CheckinKind::TapOut.as_str()];
        store::latest_at_box(conn, officer, bx.id, &taps, judge::dwell_window(at), at)?
            .map(|r| (r.kind, r.occurred_at))
    } else {
        None
    };
    Ok(Facts {
        box_row: bx,
        neighbours,
        recent_same_kind,
        last_tap,
        plans,
    })
}
