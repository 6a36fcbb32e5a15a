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
/// Largest monotonic reading accepted: ten years of uptime. Larger values
/// are not a clock but garbage, and would overflow the time arithmetic.
pub const MAX_ELAPSED_MS: u64 = 10 * 366 * 24 * 3600 * 1000;
/// Longest a scan may wait in a handheld's offline queue: a monotonic
/// interval longer than this is refused rather than dated years back.
pub const MAX_QUEUED_MS: u64 = 31 * 24 * 3600 * 1000;

/// A reading of the device's monotonic clock: milliseconds since boot, and
/// an id of that boot (it restarts at every boot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Monotonic {
    #[schema(example = "b7f3c2")]
    pub boot_id: String,
    #[schema(example = 86_400_000)]
    pub elapsed_ms: u64,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
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

    pub fn parse(s: &str) -> Option<Self> {
        [TimeSource::Monotonic, TimeSource::DeviceClock]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanTime {
    pub occurred_at: NaiveDateTime,
    pub source: TimeSource,
    pub flags: Vec<Flag>,
    /// Device clock minus the proven scan time, when the monotonic clock
    /// proved it: information for the supervisor, not a fault of the visit.
    pub clock_offset_ms: Option<i64>,
}

/// Why a pair of monotonic readings cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingError {
    /// A reading beyond [`MAX_ELAPSED_MS`].
    OutOfRange,
    /// The scan is more than [`MAX_QUEUED_MS`] before the upload.
    QueuedTooLong,
}

/// Checks one reading, and the interval between scan and upload when both
/// come from the same boot, before any arithmetic is done with them.
pub fn check_readings(
    scan: Option<&Monotonic>,
    sent: Option<&Monotonic>,
) -> Vec<(&'static str, ReadingError)> {
    let mut bad = Vec::new();
    for (field, m) in [("scan_monotonic", scan), ("sent_monotonic", sent)] {
        if m.is_some_and(|m| m.elapsed_ms > MAX_ELAPSED_MS) {
            bad.push((field, ReadingError::OutOfRange));
        }
    }
    if bad.is_empty()
        && let (Some(scan), Some(sent)) = (scan, sent)
        && scan.boot_id == sent.boot_id
        && sent.elapsed_ms.saturating_sub(scan.elapsed_ms) > MAX_QUEUED_MS
    {
        bad.push(("scan_monotonic", ReadingError::QueuedTooLong));
    }
    bad
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
    if let Some(occurred_at) = proven_time(received_at, scan, sent) {
        // The monotonic clock cannot be set: the scan time is proven, and a
        // wrong wall clock is only worth telling the supervisor about.
        let offset = device_time.signed_duration_since(occurred_at);
        return ScanTime {
            occurred_at,
            source: TimeSource::Monotonic,
            flags: Vec::new(),
            clock_offset_ms: Some(offset.num_milliseconds()),
        };
    }
    let mut flags = Vec::new();
    if device_time.signed_duration_since(received_at) > skew_limit {
        // A scan from the future: the clock is wrong.
        flags.push(Flag::ClockSkew);
    } else if received_at.signed_duration_since(device_time) > Duration::seconds(ONLINE_UPLOAD_SECS)
    {
        flags.push(Flag::TimeUnverified);
    }
    ScanTime {
        occurred_at: device_time.min(received_at),
        source: TimeSource::DeviceClock,
        flags,
        clock_offset_ms: None,
    }
}

/// The receipt time less the monotonic time elapsed since the scan, when
/// both readings come from one boot and the arithmetic stays in range.
fn proven_time(
    received_at: NaiveDateTime,
    scan: Option<&Monotonic>,
    sent: Option<&Monotonic>,
) -> Option<NaiveDateTime> {
    let (scan, sent) = (scan?, sent?);
    if scan.boot_id != sent.boot_id || !check_readings(Some(scan), Some(sent)).is_empty() {
        return None;
    }
    let ms = i64::try_from(sent.elapsed_ms.checked_sub(scan.elapsed_ms)?).ok()?;
    received_at.checked_sub_signed(Duration::try_milliseconds(ms)?)
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
    fn a_clock_set_back_is_corrected_and_reported_not_flagged() {
        // The officer's clock says 08:00 but the monotonic clock proves the
        // scan was at 10:00: the visit is dated 10:00 and counts.
        let s = reconstruct(
            t(7200),
            t(0),
            Some(&mono("b", 5_000)),
            Some(&mono("b", 5_000)),
        );
        assert_eq!(s.occurred_at, t(7200));
        assert!(s.flags.is_empty());
        assert_eq!(s.clock_offset_ms, Some(-7_200_000));
    }

    #[test]
    fn absurd_readings_are_refused_before_any_arithmetic() {
        let huge = mono("b", u64::MAX);
        assert_eq!(
            check_readings(Some(&mono("b", 0)), Some(&huge)),
            vec![("sent_monotonic", ReadingError::OutOfRange)]
        );
        let queued_for_years = mono("b", MAX_ELAPSED_MS);
        assert_eq!(
            check_readings(Some(&mono("b", 0)), Some(&queued_for_years)),
            vec![("scan_monotonic", ReadingError::QueuedTooLong)]
        );
        // Even unchecked, reconstruction never panics nor dates years back.
        let s = reconstruct(t(0), t(0), Some(&mono("b", 0)), Some(&huge));
        assert_eq!(s.source, TimeSource::DeviceClock);
        assert_eq!(s.occurred_at, t(0));
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

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn instant() -> impl Strategy<Value = NaiveDateTime> {
            let (min, max) = (
                NaiveDateTime::MIN.and_utc().timestamp(),
                NaiveDateTime::MAX.and_utc().timestamp(),
            );
            (min..max).prop_map(|s| {
                chrono::DateTime::from_timestamp(s, 0)
                    .map(|d| d.naive_utc())
                    .unwrap_or_default()
            })
        }

        fn reading() -> impl Strategy<Value = Option<Monotonic>> {
            proptest::option::of((prop_oneof!["a", "b"], any::<u64>()).prop_map(
                |(boot_id, elapsed_ms)| Monotonic {
                    boot_id,
                    elapsed_ms,
                },
            ))
        }

        proptest! {
            /// No reading panics, and a proven time is never before the
            /// longest allowed queue nor after the receipt.
            #[test]
            fn any_readings_any_clock(received in instant(), device in instant(),
                                      scan in reading(), sent in reading()) {
                let t = reconstruct(received, device, scan.as_ref(), sent.as_ref());
                prop_assert!(t.occurred_at <= received.max(device));
                if t.source == TimeSource::Monotonic {
                    prop_assert!(check_readings(scan.as_ref(), sent.as_ref()).is_empty());
                    let queued = received - t.occurred_at;
                    prop_assert!(queued >= Duration::zero());
                    prop_assert!(queued.num_milliseconds() as u64 <= MAX_QUEUED_MS);
                    prop_assert!(!t.flags.contains(&Flag::ClockSkew));
                }
            }
        }
    }
}

crate::text_enum!(TimeSource);
