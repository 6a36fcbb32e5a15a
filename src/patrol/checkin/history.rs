//! An officer's scans around the ones being recorded, held in memory so
//! that every scan of an upload (or of a group of uploads) is judged
//! without a query of its own: loaded once, then grown by each scan as it
//! is judged, so a later scan sees the earlier ones exactly as if they had
//! been stored one by one.
//!
//! What it must hold to answer like the database would (see
//! [`super::facts::Known::load_around`]): the officer's nearest stored scan
//! at or before the earliest scan being judged and after the latest, every
//! stored scan in between, and at each box the latest stored scan of each
//! kind a rule looks back for. Holding more is harmless: every answer is
//! the nearest or latest of what is held, and all that is held is real.

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Unbounded};

use chrono::NaiveDateTime;

use super::input::CheckinKind;
use crate::domain::BoxId;
use crate::patrol::travel::Fix;

/// One scan as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct PastScan {
    pub box_id: BoxId,
    pub kind: CheckinKind,
    pub fix: Fix,
}

/// One officer's scans, by time; scans at the same instant in the order
/// they came (the second part of the key). Ordered as a tree: a batch's
/// scans land anywhere among many held ones.
#[derive(Debug, Clone, Default)]
pub struct History {
    scans: BTreeMap<(NaiveDateTime, u64), PastScan>,
    added: u64,
}

impl History {
    pub fn new(scans: Vec<PastScan>) -> Self {
        let mut history = History::default();
        for scan in scans {
            history.add(scan);
        }
        history
    }

    /// Adds a scan just judged, so the scans after it see it.
    pub fn add(&mut self, scan: PastScan) {
        self.added += 1;
        self.scans.insert((scan.fix.at, self.added), scan);
    }

    /// The latest scan at or before `at`, and the earliest after it.
    pub fn neighbours(&self, at: NaiveDateTime) -> Vec<Fix> {
        let edge = (at, u64::MAX);
        let before = self.scans.range(..=edge).next_back();
        let after = self.scans.range((Excluded(edge), Unbounded)).next();
        before
            .into_iter()
            .chain(after)
            .map(|(_, s)| s.fix)
            .collect()
    }

    /// The latest scan at `box_id` in `since..=until` whose kind is one of
    /// `kinds`.
    pub fn latest_at_box(
        &self,
        box_id: BoxId,
        kinds: &[CheckinKind],
        since: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Option<&PastScan> {
        if since > until {
            return None;
        }
        self.scans
            .range((since, 0)..=(until, u64::MAX))
            .rev()
            .map(|(_, s)| s)
            .find(|s| s.box_id == box_id && kinds.contains(&s.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_790_000_000 + minute * 60, 0)
            .unwrap()
            .naive_utc()
    }

    fn scan(minute: i64, box_id: i64, kind: CheckinKind) -> PastScan {
        PastScan {
            box_id: BoxId(box_id),
            kind,
            fix: Fix {
                lat: 23.0 + minute as f64 / 1000.0,
                lon: 120.2,
                accuracy_m: 5.0,
                at: t(minute),
            },
        }
    }

    #[test]
    fn neighbours_are_the_nearest_on_each_side_including_the_same_instant() {
        let h = History::new(vec![
            scan(30, 1, CheckinKind::Visit),
            scan(0, 1, CheckinKind::Visit),
            scan(10, 2, CheckinKind::Visit),
        ]);
        let at = |n: &[Fix]| n.iter().map(|f| f.at).collect::<Vec<_>>();
        assert_eq!(at(&h.neighbours(t(12))), vec![t(10), t(30)]);
        assert_eq!(at(&h.neighbours(t(10))), vec![t(10), t(30)]);
        assert_eq!(at(&h.neighbours(t(-1))), vec![t(0)]);
        assert_eq!(at(&h.neighbours(t(31))), vec![t(30)]);
        assert!(History::default().neighbours(t(0)).is_empty());
    }

    #[test]
    fn a_scan_added_is_seen_by_the_next() {
        let mut h = History::default();
        h.add(scan(5, 1, CheckinKind::TapIn));
        let found = h.latest_at_box(BoxId(1), &[CheckinKind::TapIn], t(0), t(6));
        assert_eq!(found.map(|s| s.fix.at), Some(t(5)));
    }

    #[test]
    fn latest_at_box_keeps_to_the_box_the_kinds_and_the_window() {
        let h = History::new(vec![
            scan(0, 1, CheckinKind::TapIn),
            scan(3, 1, CheckinKind::Visit),
            scan(4, 2, CheckinKind::TapIn),
            scan(9, 1, CheckinKind::TapOut),
        ]);
        let taps = [CheckinKind::TapIn, CheckinKind::TapOut];
        let latest = |kinds: &[CheckinKind], since, until| {
            h.latest_at_box(BoxId(1), kinds, t(since), t(until))
                .map(|s| (s.kind, s.fix.at))
        };
        assert_eq!(latest(&taps, 0, 8), Some((CheckinKind::TapIn, t(0))));
        assert_eq!(latest(&taps, 0, 9), Some((CheckinKind::TapOut, t(9))));
        assert_eq!(latest(&taps, 1, 8), None);
        assert_eq!(
            latest(&[CheckinKind::Visit], 3, 3),
            Some((CheckinKind::Visit, t(3)))
        );
        assert_eq!(latest(&[CheckinKind::Visit], 4, 20), None);
    }
}
