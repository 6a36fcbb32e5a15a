//! The check-in rules, without storage: given a scan, when it happened and
//! the facts about the box and the officer's other scans, which flags it
//! gets. Fed by [`super::facts::gather`]; tests call it directly.

use chrono::{Duration, NaiveDateTime};

use super::input::{CheckinInput, CheckinKind};
use crate::domain::PlanId;
use crate::patrol::clock::ScanTime;
use crate::patrol::flags::Flag;
use crate::patrol::geofence;
use crate::patrol::schedule::Schedule;
use crate::patrol::store::{BoxRow, PlanRow};
use crate::patrol::travel::{self, Fix};

/// A second scan of the same box by the same officer within this many
/// minutes is a duplicate.
pub const DUPLICATE_MINUTES: i64 = 5;
/// How long after a tap-in a tap-out may close it.
pub const DWELL_LOOKBACK_HOURS: i64 = 12;

/// What the rules need to know besides the scan itself.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub box_row: &'a BoxRow,
    /// The officer's scans just before and just after this one, in time.
    pub neighbours: Vec<Fix>,
    /// The latest scan of the same kind at this box within
    /// [`DUPLICATE_MINUTES`] before this one.
    pub recent_same_kind: Option<NaiveDateTime>,
    /// The latest tap-in or tap-out at this box within
    /// [`DWELL_LOOKBACK_HOURS`] before this one.
    pub last_tap: Option<(CheckinKind, NaiveDateTime)>,
    /// The officer's plans that include this box.
    pub plans: &'a [PlanRow],
}

/// What the rules found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub flags: Vec<Flag>,
    /// Distance from the box, metres, to a tenth.
    pub distance_m: f64,
    /// The plan this visit fulfils, if any.
    pub plan_id: Option<PlanId>,
}

pub fn schedule_of(p: &PlanRow) -> Schedule {
    Schedule {
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        weekdays: p.weekdays,
        window_start_min: p.window_start_min,
        window_end_min: p.window_end_min,
        grace_minutes: p.grace_minutes,
        created_at: p.created_at,
        retired_at: p.retired_at,
    }
}

/// Judges a genuine scan of a box in service.
pub fn judge(input: &CheckinInput, timing: &ScanTime, facts: &Facts<'_>) -> Verdict {
    let at = timing.occurred_at;
    let bx = facts.box_row;
    let mut found: Vec<Flag> = timing.flags.clone();

    // Where?
    let (distance, geo_flags) = geofence::assess(bx.lat, bx.lon, bx.radius_m, &input.position);
    found.extend(geo_flags);
    if input.mock_location {
        found.push(Flag::MockLocation);
    }

    // Could the officer have got here?
    let here = Fix {
        lat: input.position.lat,
        lon: input.position.lon,
        accuracy_m: input.position.accuracy_m,
        at,
    };
    for there in &facts.neighbours {
        if travel::impossible(there, &here) {
            found.push(Flag::ImpossibleTravel);
        }
    }

    // Again, so soon?
    if facts.recent_same_kind.is_some() {
        found.push(Flag::Duplicate);
    }
    // A tap-out closes the latest tap-in, if nothing closed it already.
    if input.kind == CheckinKind::TapOut {
        let open_tap_in = facts
            .last_tap
            .filter(|(kind, _)| *kind == CheckinKind::TapIn)
            .map(|(_, t)| t);
        match (open_tap_in, bx.min_dwell_secs) {
            (None, _) => found.push(Flag::DwellUnpaired),
            (Some(tap_in), Some(min)) if (at - tap_in).num_seconds() < i64::from(min) => {
                found.push(Flag::DwellTooShort)
            }
            _ => {}
        }
    }

    // Was it planned?
    let plan_id = facts
        .plans
        .iter()
        .find(|p| schedule_of(p).covers(at))
        .map(|p| p.id);
    if plan_id.is_none() {
        found.push(Flag::NotOnPlan);
    }
    Verdict {
        flags: found,
        distance_m: (distance * 10.0).round() / 10.0,
        plan_id,
    }
}

/// The window before a scan in which an earlier one of the same kind makes
/// it a duplicate.
pub fn duplicate_window(at: NaiveDateTime) -> NaiveDateTime {
    at - Duration::minutes(DUPLICATE_MINUTES)
}

/// The window before a tap-out in which its tap-in is looked for.
pub fn dwell_window(at: NaiveDateTime) -> NaiveDateTime {
    at - Duration::hours(DWELL_LOOKBACK_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BoxId, UnitId};
    use crate::patrol::clock::TimeSource;
    use crate::patrol::geofence::Position;

    fn t(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_790_000_000 + minute * 60, 0)
            .unwrap()
            .naive_utc()
    }

    /// The box and plans the test facts borrow.
    fn world() -> (BoxRow, Vec<PlanRow>) {
        (
            BoxRow {
                id: BoxId(1),
                code: "B-1".into(),
                unit_id: UnitId(1),
                name: "箱".into(),
                address: "臺南".into(),
                lat: 22.9917,
                lon: 120.2047,
                radius_m: 30.0,
                min_dwell_secs: Some(300),
                code_serial: 1,
                retired_at: None,
                created_at: t(-10_000),
                updated_at: t(-10_000),
            },
            vec![PlanRow {
                id: PlanId(7),
                unit_id: UnitId(1),
                name: "全日".into(),
                starts_on: t(-10_000).date(),
                ends_on: t(10_000).date(),
                weekdays: 0b111_1111,
                window_start_min: 0,
                window_end_min: 0,
                visits_per_window: 1,
                ordered: false,
                grace_minutes: 0,
                created_by: None,
                created_at: t(-10_000),
                retired_at: None,
            }],
        )
    }

    fn facts<'a>(w: &'a (BoxRow, Vec<PlanRow>)) -> Facts<'a> {
        Facts {
            box_row: &w.0,
            neighbours: Vec::new(),
            recent_same_kind: None,
            last_tap: None,
            plans: &w.1,
        }
    }

    fn scan(kind: CheckinKind, lat: f64) -> CheckinInput {
        CheckinInput {
            client_id: "scan-0001".into(),
            payload: "EPB1".into(),
            kind,
            position: Position {
                lat,
                lon: 120.2047,
                accuracy_m: 5.0,
            },
            scanned_at: t(0).and_utc(),
            scan_monotonic: None,
            sent_monotonic: None,
            mock_location: false,
        }
    }

    fn at(minute: i64) -> ScanTime {
        ScanTime {
            occurred_at: t(minute),
            source: TimeSource::DeviceClock,
            flags: Vec::new(),
            clock_offset_ms: None,
        }
    }

    #[test]
    fn a_planned_visit_at_the_box_is_clean() {
        let v = judge(&scan(CheckinKind::Visit, 22.9917), &at(0), &facts(&world()));
        assert!(v.flags.is_empty(), "{:?}", v.flags);
        assert_eq!(v.plan_id, Some(PlanId(7)));
    }

    #[test]
    fn far_away_again_and_unplanned_are_flagged() {
        let w = world();
        let mut f = facts(&w);
        f.recent_same_kind = Some(t(-2));
        f.plans = &[];
        let v = judge(&scan(CheckinKind::Visit, 22.9935), &at(0), &f);
        assert_eq!(
            v.flags,
            vec![Flag::OutsideGeofence, Flag::Duplicate, Flag::NotOnPlan]
        );
    }

    #[test]
    fn a_tap_out_needs_its_tap_in_and_the_stay() {
        let w = world();
        let v = judge(&scan(CheckinKind::TapOut, 22.9917), &at(0), &facts(&w));
        assert_eq!(v.flags, vec![Flag::DwellUnpaired]);
        let mut f = facts(&w);
        f.last_tap = Some((CheckinKind::TapIn, t(-2)));
        assert_eq!(
            judge(&scan(CheckinKind::TapOut, 22.9917), &at(0), &f).flags,
            vec![Flag::DwellTooShort]
        );
        f.last_tap = Some((CheckinKind::TapIn, t(-6)));
        assert!(
            judge(&scan(CheckinKind::TapOut, 22.9917), &at(0), &f)
                .flags
                .is_empty()
        );
    }
}
