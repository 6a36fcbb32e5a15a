//! When did the scan really happen? Handhelds' clocks are wrong or set back
//! on purpose; their monotonic clock (time since boot) cannot be set. With
//! the monotonic reading at scan and at upload from the same boot, the scan
//! time is the server's receipt time less the monotonic time elapsed.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::flags::Flag;

/// Largest disagreement between device clock and reconstructed time we accept.
pub const MAX_SKEW_SECS: i64 = 120;
/// A scan uploaded later than this without a monotonic reading cannot be timed.
pub const ONLINE_UPLOAD_SECS: i64 = 300;

/// A reading of the device's monotonic clock: milliseconds since boot, and
/// an id of that boot (it restarts at every boot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Monotonic {
    #[schema(example = "b7f3c2")]
    pub boot_id: String,
    #[schema(example = 86_400_000)]
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// Reconstructed from the monotonic clock and the server's receipt time.
    Monotonic,
    /// The device's wall clock, checked only for plausibility.
    DeviceClock,
}

impl TimeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeSource::Monotonic => "monotonic",
            TimeSource::DeviceClock => "device_clock",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanTime {
    pub occurred_at: NaiveDateTime,
    pub source: TimeSource,
    pub flags: Vec<Flag>,
}

/// Reconstructs the scan time. `device_time` is the handheld's wall clock at
/// the scan; `scan` and `sent` its monotonic readings at scan and at upload.
pub fn reconstruct(
    received_at: NaiveDateTime,
    device_time: NaiveDateTime,
    scan: Option<&Monotonic>,
    sent: Option<&Monotonic>,
) -> ScanTime {
    let skew_limit = Duration::seconds(MAX_SKEW_SECS);
    if let (Some(scan), Some(sent)) = (scan, sent)
        && scan.boot_id == sent.boot_id
        && sent.elapsed_ms >= scan.elapsed_ms
        && let Ok(ms) = i64::try_from(sent.elapsed_ms - scan.elapsed_ms)
    {
        let occurred_at = received_at - Duration::milliseconds(ms);
        let skew = device_time - occurred_at;
        let mut flags = Vec::new();
        if skew.abs() > skew_limit {
            flags.push(Flag::ClockSkew);
        }
        return ScanTime {
            occurred_at,
            source: TimeSource::Monotonic,
            flags,
        };
    }
    let mut flags = Vec::new();
    if device_time - received_at > skew_limit {
        // A scan from the future: the clock is wrong.
        flags.push(Flag::ClockSkew);
    } else if received_at - device_time > Duration::seconds(ONLINE_UPLOAD_SECS) {
        flags.push(Flag::TimeUnverified);
    }
    ScanTime {
        occurred_at: device_time.min(received_at),
        source: TimeSource::DeviceClock,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_790_000_000 + secs, 0)
            .unwrap()
            .naive_utc()
    }

    fn mono(boot: &str, ms: u64) -> Monotonic {
        Monotonic {
            boot_id: boot.into(),
            elapsed_ms: ms,
        }
    }

    #[test]
    fn online_scan_with_a_right_clock_is_clean() {
        let s = reconstruct(t(1), t(0), None, None);
        assert_eq!(s.occurred_at, t(0));
        assert!(s.flags.is_empty());
    }

    #[test]
    fn offline_scan_is_timed_by_the_monotonic_clock() {
        // Scanned, uploaded two hours later; device clock right.
        let s = reconstruct(
            t(7200),
            t(0),
            Some(&mono("b", 1_000)),
            Some(&mono("b", 7_201_000)),
        );
        assert_eq!(s.source, TimeSource::Monotonic);
        assert_eq!(s.occurred_at, t(0));
        assert!(s.flags.is_empty());
    }

    #[test]
    fn a_clock_set_back_is_caught() {
        // The officer claims 08:00 but the monotonic clock says the scan was at 10:00.
        let s = reconstruct(
            t(7200),
            t(0),
            Some(&mono("b", 5_000)),
            Some(&mono("b", 5_000)),
        );
        assert_eq!(s.occurred_at, t(7200));
        assert_eq!(s.flags, vec![Flag::ClockSkew]);
    }

    #[test]
    fn a_future_scan_is_skew_and_a_late_untimed_one_is_unverified() {
        assert_eq!(
            reconstruct(t(0), t(600), None, None).flags,
            vec![Flag::ClockSkew]
        );
        let late = reconstruct(t(7200), t(0), None, None);
        assert_eq!(late.flags, vec![Flag::TimeUnverified]);
        assert_eq!(late.source, TimeSource::DeviceClock);
    }

    #[test]
    fn a_reboot_between_scan_and_upload_falls_back_to_the_device_clock() {
        let s = reconstruct(t(7200), t(0), Some(&mono("a", 1_000)), Some(&mono("b", 50)));
        assert_eq!(s.source, TimeSource::DeviceClock);
        assert_eq!(s.flags, vec![Flag::TimeUnverified]);
    }
}
