//! A supervisor's day: every window of today's plans in the unit, with its
//! box and officers, as done, open now, due later or missed so far — the
//! "due" a supervisor plans the morning around, beside the audit of what
//! has already closed (`coverage.rs`).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::checkin::schedule_of;
use super::coverage::{Gathered, gather, names};
use super::schedule::{Window, judge, utc_to_local};
use crate::db::DbConn;
use crate::domain::{Actor, BoxId, Role, UnitId, UserId};
use crate::error::{ApiError, ApiResult};

/// Where a window stands at the moment asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WindowState {
    /// Open now (or in its grace), not yet visited enough.
    OpenNow,
    /// Closed with visits missing.
    Missed,
    /// Starts later today.
    DueLater,
    /// Every officer on it made the visits it asks for.
    Done,
}

impl WindowState {
    pub fn name_zh(self) -> &'static str {
        match self {
            WindowState::OpenNow => "進行中",
            WindowState::Missed => "未巡",
            WindowState::DueLater => "稍後",
            WindowState::Done => "已完成",
        }
    }

    /// Where a window stands at `now`, given whether its visits are made.
    pub fn of(window: Window, grace: Duration, done: bool, now: chrono::NaiveDateTime) -> Self {
        if done {
            WindowState::Done
        } else if now < window.start {
            WindowState::DueLater
        } else if now <= window.end + grace {
            WindowState::OpenNow
        } else {
            WindowState::Missed
        }
    }
}

/// One window at one box today.
#[derive(Debug, Clone)]
pub struct TodayWindow {
    pub box_code: String,
    pub box_name: String,
    /// (badge, name) of each officer the plan puts on it.
    pub officers: Vec<(String, String)>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub state: WindowState,
    /// Valid visits made in the window or its grace, all officers together.
    pub visits: i64,
    /// Visits the window asks for, all officers together.
    pub required: i64,
}

/// Today's windows (Taiwan date of `now`) of the plans of `unit` and the
/// units below it, open and missed first, then by time.
pub fn windows_today(
    conn: &mut DbConn,
    actor: &Actor,
    unit: UnitId,
    now: DateTime<Utc>,
) -> ApiResult<Vec<TodayWindow>> {
    if !matches!(actor.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let unit = match crate::org::directory::unit_by_id(conn, unit)? {
        Some(u) if actor.reaches(&u.path) => u,
        _ => return Err(ApiError::NotFound("unit")),
    };
    let today: NaiveDate = utc_to_local(now.naive_utc()).date();
    let Gathered {
        plans,
        officers_of,
        boxes_of,
        all_boxes,
        visits,
    } = gather(conn, &unit.path, today, today)?;
    let now = now.naive_utc();
    let mut raw: Vec<(BoxId, Vec<UserId>, Window, WindowState, i64, i64)> = Vec::new();
    for plan in &plans {
        let grace = Duration::minutes(plan.grace_minutes.into());
        let officers = officers_of.get(&plan.id).cloned().unwrap_or_default();
        for window in schedule_of(plan).windows(today, today) {
            for b in boxes_of.get(&plan.id).into_iter().flatten() {
                let (mut made, mut asked) = (0, 0);
                for officer in &officers {
                    let list = visits
                        .get(&(*officer, *b))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let t = judge(window, plan.grace_minutes, plan.visits_per_window, list);
                    made += t.on_time + t.late;
                    asked += t.expected;
                }
                let state = WindowState::of(window, grace, asked > 0 && made >= asked, now);
                raw.push((*b, officers.clone(), window, state, made, asked));
            }
        }
    }
    let officer_ids: Vec<UserId> = officers_of.values().flatten().copied().collect();
    let (boxes, badges) = names(conn, &all_boxes, &officer_ids)?;
    let mut out: Vec<TodayWindow> = raw
        .into_iter()
        .map(|(b, officers, w, state, visits, required)| {
            let (box_code, box_name) = boxes.get(&b).cloned().unwrap_or_default();
            TodayWindow {
                box_code,
                box_name,
                officers: officers
                    .iter()
                    .filter_map(|o| badges.get(o).cloned())
                    .collect(),
                start: w.start.and_utc(),
                end: w.end.and_utc(),
                state,
                visits,
                required,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.state, a.start, &a.box_code).cmp(&(b.state, b.start, &b.box_code)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 8)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    }

    #[test]
    fn a_window_is_due_then_open_then_missed_unless_done() {
        let w = Window {
            start: at(2, 0),
            end: at(4, 0),
        };
        let grace = Duration::minutes(15);
        assert_eq!(
            WindowState::of(w, grace, false, at(1, 0)),
            WindowState::DueLater
        );
        assert_eq!(
            WindowState::of(w, grace, false, at(3, 0)),
            WindowState::OpenNow
        );
        assert_eq!(
            WindowState::of(w, grace, false, at(4, 10)),
            WindowState::OpenNow,
            "in its grace"
        );
        assert_eq!(
            WindowState::of(w, grace, false, at(4, 20)),
            WindowState::Missed
        );
        assert_eq!(WindowState::of(w, grace, true, at(3, 0)), WindowState::Done);
    }
}
