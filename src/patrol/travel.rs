//! Could the officer have got here from the previous check-in in time?

use chrono::NaiveDateTime;

use super::geofence::distance_m;

/// Fastest plausible patrol movement: 120 km/h (a car on an expressway).
pub const MAX_SPEED_MPS: f64 = 120.0 / 3.6;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub at: NaiveDateTime,
}

/// Whether moving between two fixes needs more than `MAX_SPEED_MPS`, after
/// giving both fixes the benefit of their GPS uncertainty.
pub fn impossible(a: &Fix, b: &Fix) -> bool {
    let distance = distance_m(a.lat, a.lon, b.lat, b.lon);
    let slack = a.accuracy_m.min(50.0) + b.accuracy_m.min(50.0);
    let needed = (distance - slack).max(0.0);
    let secs = (b.at - a.at).num_milliseconds().abs() as f64 / 1000.0;
    if secs < 1.0 {
        return needed > 100.0;
    }
    needed / secs > MAX_SPEED_MPS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(lat: f64, secs: i64) -> Fix {
        Fix {
            lat,
            lon: 120.2,
            accuracy_m: 5.0,
            at: chrono::DateTime::from_timestamp(1_790_000_000 + secs, 0)
                .unwrap()
                .naive_utc(),
        }
    }

    #[test]
    fn scooter_speed_is_fine_and_teleporting_is_not() {
        // ~1.1 km in 2 minutes: 33 km/h.
        assert!(!impossible(&fix(23.0, 0), &fix(23.01, 120)));
        // ~11 km in 2 minutes: 333 km/h.
        assert!(impossible(&fix(23.0, 0), &fix(23.1, 120)));
        // Order of the fixes does not matter.
        assert!(impossible(&fix(23.1, 120), &fix(23.0, 0)));
        // Same instant, same place.
        assert!(!impossible(&fix(23.0, 0), &fix(23.0, 0)));
    }
}
