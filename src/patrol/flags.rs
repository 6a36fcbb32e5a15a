//! Why a check-in is suspicious. A flagged check-in is kept and shown to
//! supervisors, never dropped.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Farther from the box than its geofence radius, even allowing for GPS accuracy.
    OutsideGeofence,
    /// The device's own accuracy estimate is too coarse to place the officer.
    PoorAccuracy,
    /// The device clock disagrees with the time reconstructed by the server.
    ClockSkew,
    /// Uploaded late without a monotonic reading: its time rests on the device clock alone.
    TimeUnverified,
    /// Faster travel from the officer's previous check-in than a patrol can move.
    ImpossibleTravel,
    /// The device reported a mock (simulated) location provider.
    MockLocation,
    /// No active patrol plan covers this officer, box and time.
    NotOnPlan,
    /// The same officer already checked in at this box moments before.
    Duplicate,
    /// A tap-out with no open tap-in at this box.
    DwellUnpaired,
    /// Tap-out came sooner than the box's minimum stay.
    DwellTooShort,
}

impl Flag {
    pub const ALL: [Flag; 10] = [
        Flag::OutsideGeofence,
        Flag::PoorAccuracy,
        Flag::ClockSkew,
        Flag::TimeUnverified,
        Flag::ImpossibleTravel,
        Flag::MockLocation,
        Flag::NotOnPlan,
        Flag::Duplicate,
        Flag::DwellUnpaired,
        Flag::DwellTooShort,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::OutsideGeofence => "outside_geofence",
            Flag::PoorAccuracy => "poor_accuracy",
            Flag::ClockSkew => "clock_skew",
            Flag::TimeUnverified => "time_unverified",
            Flag::ImpossibleTravel => "impossible_travel",
            Flag::MockLocation => "mock_location",
            Flag::NotOnPlan => "not_on_plan",
            Flag::Duplicate => "duplicate",
            Flag::DwellUnpaired => "dwell_unpaired",
            Flag::DwellTooShort => "dwell_too_short",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Flags as stored: sorted, comma-separated, empty for none.
pub fn encode(flags: &[Flag]) -> String {
    let mut sorted = flags.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn decode(stored: &str) -> Vec<Flag> {
    stored.split(',').filter_map(Flag::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_round_trip_sorted_and_deduplicated() {
        let stored = encode(&[Flag::NotOnPlan, Flag::ClockSkew, Flag::NotOnPlan]);
        assert_eq!(stored, "clock_skew,not_on_plan");
        assert_eq!(decode(&stored), vec![Flag::ClockSkew, Flag::NotOnPlan]);
        assert!(decode("").is_empty());
        for f in Flag::ALL {
            assert_eq!(Flag::parse(f.as_str()), Some(f));
        }
    }
}
