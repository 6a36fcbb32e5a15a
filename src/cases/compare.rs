//! 一打二驗 as plain functions: which critical fields a blind verification
//! keyed differently, and, once a third person has settled them, whose
//! value was wrong.

use chrono::{NaiveDateTime, Timelike};

use super::status::Step;
use crate::tickets::plate::{VehicleClass, normalise};

/// The fields keyed twice: the ones that, wrong, make a wrong ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Critical {
    pub plate: String,
    pub vehicle_class: VehicleClass,
    pub article_code: String,
    /// UTC, to the second.
    pub violation_at: NaiveDateTime,
}

/// The critical field names, as the API and the error statistics name them.
pub const CRITICAL_FIELDS: [&str; 4] = ["plate", "vehicle_class", "article_code", "violation_at"];

impl Critical {
    /// The same fields as typed by anyone: the plate as it would print,
    /// the article without spaces, the time cut to the second.
    pub fn normalised(self) -> Critical {
        Critical {
            plate: normalise(&self.plate),
            vehicle_class: self.vehicle_class,
            article_code: self.article_code.trim().to_owned(),
            violation_at: self
                .violation_at
                .with_nanosecond(0)
                .unwrap_or(self.violation_at),
        }
    }

    fn value(&self, field: &str) -> String {
        match field {
            "plate" => self.plate.clone(),
            "vehicle_class" => self.vehicle_class.as_str().to_owned(),
            "article_code" => self.article_code.clone(),
            _ => self.violation_at.to_string(),
        }
    }
}

/// The critical fields on which two keyings differ, in a fixed order.
pub fn differences(a: &Critical, b: &Critical) -> Vec<&'static str> {
    CRITICAL_FIELDS
        .into_iter()
        .filter(|f| a.value(f) != b.value(f))
        .collect()
}

/// After a resolution: for every field, each step whose value differed
/// from the settled one. Both may be wrong; one being right does not make
/// the other right.
pub fn blame(
    keying: &Critical,
    verification: &Critical,
    settled: &Critical,
) -> Vec<(&'static str, Step)> {
    let mut wrong = Vec::new();
    for field in CRITICAL_FIELDS {
        let right = settled.value(field);
        if keying.value(field) != right {
            wrong.push((field, Step::Keying));
        }
        if verification.value(field) != right {
            wrong.push((field, Step::Verification));
        }
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(plate: &str, class: VehicleClass, article: &str, at: &str) -> Critical {
        Critical {
            plate: plate.into(),
            vehicle_class: class,
            article_code: article.into(),
            violation_at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S%.f").unwrap(),
        }
        .normalised()
    }

    #[test]
    fn spelling_of_the_same_value_is_not_a_difference() {
        let a = keyed(
            "abc1234",
            VehicleClass::Car,
            " 53-1",
            "2026-11-01 02:00:00.400",
        );
        let b = keyed("ABC-1234", VehicleClass::Car, "53-1", "2026-11-01 02:00:00");
        assert!(differences(&a, &b).is_empty());
    }

    #[test]
    fn each_differing_field_is_named_once() {
        let a = keyed("ABC-1234", VehicleClass::Car, "53-1", "2026-11-01 02:00:00");
        let b = keyed(
            "ABC-1284",
            VehicleClass::Motorcycle,
            "53-1",
            "2026-11-01 02:01:00",
        );
        assert_eq!(
            differences(&a, &b),
            vec!["plate", "vehicle_class", "violation_at"]
        );
    }

    #[test]
    fn the_wrong_value_is_blamed_on_whoever_typed_it() {
        let keying = keyed("ABC-1284", VehicleClass::Car, "53-1", "2026-11-01 02:00:00");
        let verification = keyed("ABC-1234", VehicleClass::Car, "53-1", "2026-11-01 02:00:00");
        let settled = verification.clone();
        assert_eq!(
            blame(&keying, &verification, &settled),
            vec![("plate", Step::Keying)]
        );
        // Both wrong on the same field: both blamed.
        let settled = keyed("ABC-1239", VehicleClass::Car, "53-1", "2026-11-01 02:00:00");
        assert_eq!(
            blame(&keying, &verification, &settled),
            vec![("plate", Step::Keying), ("plate", Step::Verification)]
        );
    }
}
