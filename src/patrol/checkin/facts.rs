//! Gathering what the check-in rules need to know, once for all the scans
//! recorded together (an upload, a batch, a group of uploads) rather than
//! once per scan: the boxes, which code keys are in force, the officers'
//! plans at those boxes, and each officer's scans around these ones
//! (see [`super::history`]).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::history::{History, PastScan};
use super::input::CheckinKind;
use super::judge::{self, Facts};
use crate::db::DbConn;
use crate::domain::{BoxId, UserId};
use crate::error::ApiResult;
use crate::patrol::store::{self, BoxRow, LookBack, PlanRow, ScanFact, Span};
use crate::patrol::travel::Fix;

/// A scan about to be judged: who, where and when.
#[derive(Debug, Clone, Copy)]
pub struct Judged {
    pub officer: UserId,
    pub box_id: BoxId,
    pub kind: CheckinKind,
    pub at: NaiveDateTime,
}

#[derive(Default)]
pub struct Known {
    boxes: HashMap<BoxId, BoxRow>,
    keys_in_force: HashSet<i32>,
    plans: HashMap<(UserId, BoxId), Vec<PlanRow>>,
    histories: HashMap<UserId, History>,
}

impl Known {
    /// The boxes named by the scanned codes and the code keys in force.
    pub fn boxes_and_keys(conn: &mut DbConn, box_ids: &[BoxId]) -> ApiResult<Known> {
        let mut known = Known::default();
        let ids = distinct(box_ids.iter().copied());
        if ids.is_empty() {
            // No box to scan at, and so no code key to check.
            return Ok(known);
        }
        let (boxes, keys) = store::boxes_and_keys_in_force(conn, &ids)?;
        known.boxes = boxes.into_iter().map(|b| (b.id, b)).collect();
        known.keys_in_force = keys.into_iter().collect();
        Ok(known)
    }

    pub fn box_row(&self, id: BoxId) -> Option<&BoxRow> {
        self.boxes.get(&id)
    }

    pub fn key_in_force(&self, version: i32) -> bool {
        self.keys_in_force.contains(&version)
    }

    /// Loads the plans and the officers' stored scans the rules will look
    /// at for `scans`: one query for the plans; per officer, the nearest
    /// scan at or before the earliest of theirs and after the latest, every
    /// scan in between (when theirs span any time), and at each box the
    /// latest of each kind a rule looks back for. Each read is bounded by
    /// the index, however many scans the officer has made.
    pub fn load_around(&mut self, conn: &mut DbConn, scans: &[Judged]) -> ApiResult<()> {
        if scans.is_empty() {
            return Ok(());
        }
        let officers = distinct(scans.iter().map(|s| s.officer));
        let boxes = distinct(scans.iter().map(|s| s.box_id));
        for (officer, box_id, plan) in store::plans_of_officers_at_boxes(conn, &officers, &boxes)? {
            self.plans.entry((officer, box_id)).or_default().push(plan);
        }
        let mut spans = Vec::new();
        let mut look_backs = Vec::new();
        for officer in &officers {
            let mine: Vec<&Judged> = scans.iter().filter(|s| s.officer == *officer).collect();
            let (Some(earliest), Some(latest)) = (
                mine.iter().map(|s| s.at).min(),
                mine.iter().map(|s| s.at).max(),
            ) else {
                continue;
            };
            spans.push(Span {
                officer: *officer,
                earliest,
                latest,
            });
            let wanted = distinct(mine.iter().flat_map(|s| {
                let taps = (s.kind == CheckinKind::TapOut).then_some([
                    (s.box_id, CheckinKind::TapIn),
                    (s.box_id, CheckinKind::TapOut),
                ]);
                std::iter::once((s.box_id, s.kind)).chain(taps.into_iter().flatten())
            }));
            for (box_id, kind) in wanted {
                let since = if kind == CheckinKind::Visit {
                    judge::duplicate_window(earliest)
                } else {
                    judge::dwell_window(earliest)
                };
                look_backs.push(LookBack {
                    officer: *officer,
                    box_id,
                    kind,
                    since,
                    until: earliest,
                });
            }
        }
        let mut held: HashMap<UserId, Vec<PastScan>> = HashMap::new();
        for row in store::scans_around(conn, &spans, &look_backs)? {
            held.entry(row.officer_id).or_default().push(past(row));
        }
        for officer in officers {
            let scans = held.remove(&officer).unwrap_or_default();
            self.histories.insert(officer, History::new(scans));
        }
        Ok(())
    }

    /// The facts about one scan, from what is loaded.
    pub fn facts<'a>(&'a self, scan: &Judged, bx: &'a BoxRow) -> Facts<'a> {
        let empty = History::default();
        let history = self.histories.get(&scan.officer).unwrap_or(&empty);
        let recent_same_kind = history
            .latest_at_box(
                scan.box_id,
                &[scan.kind],
                judge::duplicate_window(scan.at),
                scan.at,
            )
            .map(|s| s.fix.at);
        let last_tap = if scan.kind == CheckinKind::TapOut {
            history
                .latest_at_box(
                    scan.box_id,
                    &[CheckinKind::TapIn, CheckinKind::TapOut],
                    judge::dwell_window(scan.at),
                    scan.at,
                )
                .map(|s| (s.kind, s.fix.at))
        } else {
            None
        };
        Facts {
            box_row: bx,
            neighbours: history.neighbours(scan.at),
            recent_same_kind,
            last_tap,
            plans: self
                .plans
                .get(&(scan.officer, scan.box_id))
                .map(Vec::as_slice)
                .unwrap_or_default(),
        }
    }

    /// Records a scan just judged, for the scans judged after it.
    pub fn add(&mut self, scan: &Judged, fix: Fix) {
        self.histories
            .entry(scan.officer)
            .or_default()
            .add(PastScan {
                box_id: scan.box_id,
                kind: scan.kind,
                fix,
            });
    }
}

fn past(row: ScanFact) -> PastScan {
    PastScan {
        box_id: row.box_id,
        kind: row.kind,
        fix: Fix {
            lat: row.lat,
            lon: row.lon,
            accuracy_m: row.accuracy_m,
            at: row.occurred_at,
        },
    }
}

fn distinct<T: Eq + std::hash::Hash + Copy>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items.filter(|i| seen.insert(*i)).collect()
}
