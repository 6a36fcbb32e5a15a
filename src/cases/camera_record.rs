//! A case carries its source's own record of when it happened and what it
//! was: a camera case the camera's, a citizen report what the reporter
//! stated. A keyed time or article that differs from it is a third,
//! independent reading disagreeing, and must be acknowledged: two keyers
//! making the same time or article mistake is what blind verification
//! alone lets through (docs/quality.md). A reporter's statement may itself
//! be wrong, which is why it is a warning to look again, never an error.

use chrono::{NaiveDateTime, Timelike};

use super::compare::Critical;
use crate::error::FieldError;

/// Whose record the keying is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Camera,
    /// What a citizen's report stated.
    Report,
}

impl Record {
    fn code(self) -> &'static str {
        match self {
            Record::Camera => "camera_record_differs",
            Record::Report => "report_differs",
        }
    }
}

/// Where a keying disagrees with the record: a time that is not the
/// recorded one, an article other than the one recorded.
pub fn differs(
    record: Record,
    recorded_at: NaiveDateTime,
    recorded_article: Option<&str>,
    keyed: &Critical,
) -> Vec<FieldError> {
    let mut warnings = Vec::new();
    if !same_time(keyed.violation_at, recorded_at) {
        let recorded = crate::domain::time::roc_datetime(recorded_at);
        let (en, zh) = match record {
            Record::Camera => (
                format!("the camera recorded {recorded}: is the keyed time right?"),
                format!("照相紀錄為 {recorded}：鍵入的時間正確嗎？"),
            ),
            Record::Report => (
                format!("the report says {recorded}: is the keyed time right?"),
                format!("檢舉內容所述時間為 {recorded}：鍵入的時間正確嗎？"),
            ),
        };
        warnings.push(FieldError::new("violation_at", record.code(), en).with_zh(zh));
    }
    if let Some(article) = recorded_article
        && article.trim() != keyed.article_code
    {
        let (en, zh) = match record {
            Record::Camera => (
                format!("the camera recorded article {article}: is the keyed article right?"),
                format!("照相紀錄的條款為 {article}：鍵入的條款正確嗎？"),
            ),
            Record::Report => (
                format!("the report names article {article}: is the keyed article right?"),
                format!("檢舉內容所指條款為 {article}：鍵入的條款正確嗎？"),
            ),
        };
        warnings.push(FieldError::new("article_code", record.code(), en).with_zh(zh));
    }
    warnings
}

/// Whether a keyed time says what the camera recorded, at the precision it
/// was keyed in: a time keyed to the minute (no seconds) names the
/// recorded minute, one keyed with seconds the recorded second. A
/// tolerance in seconds instead would let the commonest time mistake, a
/// minute mistyped by one, through whenever the camera's seconds are near
/// the minute's edge.
fn same_time(keyed: NaiveDateTime, recorded: NaiveDateTime) -> bool {
    let to_minute = |t: NaiveDateTime| t.with_nanosecond(0).and_then(|t| t.with_second(0));
    if keyed.second() == 0 && keyed.nanosecond() == 0 {
        to_minute(keyed) == to_minute(recorded)
    } else {
        keyed.with_nanosecond(0) == recorded.with_nanosecond(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::plate::VehicleClass;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    fn keyed(time: &str, article: &str) -> Critical {
        Critical {
            plate: "RDA-1001".into(),
            vehicle_class: VehicleClass::Car,
            article_code: article.into(),
            violation_at: at(time),
        }
    }

    fn fields(w: &[FieldError]) -> Vec<&str> {
        w.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_time_keyed_to_the_minute_must_name_the_recorded_minute() {
        let camera = at("2026-11-30 06:05:59.400");
        assert!(
            differs(
                Record::Camera,
                camera,
                None,
                &keyed("2026-11-30 06:05:00", "53-1")
            )
            .is_empty()
        );
        // One second apart, one minute mistyped: the camera says 06:05.
        for wrong in [
            "2026-11-30 06:06:00",
            "2026-11-30 06:04:00",
            "2026-11-30 06:15:00",
        ] {
            assert_eq!(
                fields(&differs(
                    Record::Camera,
                    camera,
                    None,
                    &keyed(wrong, "53-1")
                )),
                ["violation_at"],
                "{wrong}"
            );
        }
    }

    #[test]
    fn a_time_keyed_with_seconds_must_name_the_recorded_second() {
        let camera = at("2026-11-30 06:05:09.999");
        assert!(
            differs(
                Record::Camera,
                camera,
                None,
                &keyed("2026-11-30 06:05:09", "53-1")
            )
            .is_empty()
        );
        for wrong in [
            "2026-11-30 06:05:10",
            "2026-11-30 06:05:08",
            "2026-11-30 06:06:09",
        ] {
            assert_eq!(
                fields(&differs(
                    Record::Camera,
                    camera,
                    None,
                    &keyed(wrong, "53-1")
                )),
                ["violation_at"],
                "{wrong}"
            );
        }
    }

    #[test]
    fn an_article_other_than_the_recorded_one_is_questioned_only_when_one_was_recorded() {
        let camera = at("2026-11-30 06:05:00");
        let k = keyed("2026-11-30 06:05:00", "53-2");
        assert_eq!(
            fields(&differs(Record::Camera, camera, Some("53-1"), &k)),
            ["article_code"]
        );
        assert!(differs(Record::Camera, camera, Some(" 53-2 "), &k).is_empty());
        assert!(differs(Record::Camera, camera, None, &k).is_empty());
    }

    #[test]
    fn a_report_is_named_as_the_record_that_differs() {
        let stated = at("2026-11-30 06:05:00");
        let w = differs(
            Record::Report,
            stated,
            Some("53-1"),
            &keyed("2026-11-30 06:07:00", "53-1"),
        );
        assert_eq!(fields(&w), ["violation_at"]);
        assert_eq!(w[0].code, "report_differs");
        assert!(
            w[0].message.starts_with("the report says"),
            "{}",
            w[0].message
        );
    }
}
