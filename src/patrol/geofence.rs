//! Distances on the WGS84 sphere and the geofence rule.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::flags::Flag;
use crate::error::FieldErrors;

const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Beyond this the device cannot say where it is well enough to judge a
/// geofence of a few tens of metres.
pub const MAX_USEFUL_ACCURACY_M: f64 = 100.0;
/// The most GPS uncertainty we give the benefit of the doubt for.
const ACCURACY_ALLOWANCE_CAP_M: f64 = 50.0;

/// A WGS84 position with the device's accuracy estimate (68% radius, metres).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Position {
    #[schema(example = 22.9917)]
    pub lat: f64,
    #[schema(example = 120.2047)]
    pub lon: f64,
    #[schema(example = 8.0)]
    pub accuracy_m: f64,
}

impl Position {
    pub fn validate(&self, field: &str, errors: &mut FieldErrors) {
        if !self.lat.is_finite() || !(-90.0..=90.0).contains(&self.lat) {
            errors.add(
                format!("{field}.lat"),
                "out_of_range",
                "latitude is between -90 and 90",
            );
        }
        if !self.lon.is_finite() || !(-180.0..=180.0).contains(&self.lon) {
            errors.add(
                format!("{field}.lon"),
                "out_of_range",
                "longitude is between -180 and 180",
            );
        }
        if !self.accuracy_m.is_finite() || !(0.0..=100_000.0).contains(&self.accuracy_m) {
            errors.add(
                format!("{field}.accuracy_m"),
                "out_of_range",
                "accuracy is 0 to 100000 metres",
            );
        }
    }
}

/// Great-circle distance in metres (haversine).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().atan2((1.0 - a).sqrt())
}

/// Judges a scan position against a box: the officer is inside if the
/// distance, less the (capped) GPS uncertainty, is within the radius.
pub fn assess(box_lat: f64, box_lon: f64, radius_m: f64, pos: &Position) -> (f64, Vec<Flag>) {
    let distance = distance_m(box_lat, box_lon, pos.lat, pos.lon);
    let mut flags = Vec::new();
    if pos.accuracy_m > MAX_USEFUL_ACCURACY_M {
        flags.push(Flag::PoorAccuracy);
    }
    let allowance = pos.accuracy_m.min(ACCURACY_ALLOWANCE_CAP_M);
    if distance - allowance > radius_m {
        flags.push(Flag::OutsideGeofence);
    }
    (distance, flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64, acc: f64) -> Position {
        Position {
            lat,
            lon,
            accuracy_m: acc,
        }
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // Tainan station to Kaohsiung station, about 39.6 km.
        let d = distance_m(22.9971, 120.2126, 22.6394, 120.3025);
        assert!((d - 40_800.0).abs() < 1_500.0, "{d}");
        assert_eq!(distance_m(23.0, 120.0, 23.0, 120.0), 0.0);
    }

    #[test]
    fn inside_outside_and_the_benefit_of_the_doubt() {
        let (lat, lon) = (22.9917, 120.2047);
        // ~44 m north.
        let north = lat + 0.0004;
        assert!(assess(lat, lon, 50.0, &at(north, lon, 5.0)).1.is_empty());
        assert_eq!(
            assess(lat, lon, 30.0, &at(north, lon, 5.0)).1,
            vec![Flag::OutsideGeofence]
        );
        // Within radius once accuracy is allowed for.
        assert!(assess(lat, lon, 30.0, &at(north, lon, 20.0)).1.is_empty());
        // Accuracy allowance is capped: 1 km away with 900 m accuracy is outside and poor.
        let far = lat + 0.009;
        let (_, flags) = assess(lat, lon, 30.0, &at(far, lon, 900.0));
        assert_eq!(flags, vec![Flag::PoorAccuracy, Flag::OutsideGeofence]);
    }

    #[test]
    fn positions_are_validated() {
        let mut e = FieldErrors::new();
        at(91.0, f64::NAN, -1.0).validate("position", &mut e);
        match e.into_result(()) {
            Err(crate::error::ApiError::Validation(list)) => assert_eq!(list.len(), 3),
            other => panic!("{other:?}"),
        }
    }
}
