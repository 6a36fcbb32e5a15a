//! One person's own figures, for vendor staff to see how they are doing:
//! how many keyings, verifications and resolutions they entered, how many
//! of those entries a later step found a value wrong in (by field), and,
//! beside them and never in the accuracy, the mistakes the rules caught
//! before a submission was taken.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::{case_entries, near_misses};
use crate::domain::UserId;
use crate::error::ApiResult;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonalFigures {
    /// Entries (keyings, verifications, resolutions) in the period.
    pub entries: i64,
    /// Entries in which a later step found at least one value wrong.
    pub entries_found_wrong: i64,
    /// Values of theirs a later step found wrong, by field, most first.
    pub by_field: Vec<(String, i64)>,
    /// Mistakes the rules (validation, the registry) caught in a refused
    /// submission: corrected before the entry was taken, so not in the
    /// accuracy.
    pub caught_before_submission: i64,
}

impl PersonalFigures {
    /// Entries without a value found wrong ÷ entries (1 when none entered).
    pub fn accuracy(&self) -> f64 {
        if self.entries == 0 {
            return 1.0;
        }
        let wrong = self.entries_found_wrong.min(self.entries);
        (self.entries - wrong) as f64 / self.entries as f64
    }
}

/// What a later step's comparison records against a person's entry; the
/// other causes (`validation`, `registry`) are refusals before submission.
const FOUND_BY_A_LATER_STEP: &str = "verification";

/// `user`'s figures over `[from, to)` (UTC).
pub fn figures(
    conn: &mut DbConn,
    user: UserId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> ApiResult<PersonalFigures> {
    let entries: i64 = case_entries::table
        .filter(case_entries::user_id.eq(user))
        .filter(case_entries::created_at.ge(from))
        .filter(case_entries::created_at.lt(to))
        .count()
        .get_result(conn)?;
    let misses: Vec<(i64, String, String, NaiveDateTime)> = near_misses::table
        .filter(near_misses::user_id.eq(user))
        .filter(near_misses::at.ge(from))
        .filter(near_misses::at.lt(to))
        .select((
            near_misses::case_id,
            near_misses::caught_by,
            near_misses::field,
            near_misses::at,
        ))
        .load(conn)?;
    Ok(tally(entries, &misses))
}

/// The figures from the entry count and the near misses recorded against
/// the person as (case, caught by, field, when): one decision of a later
/// step (a case at one moment) is one entry found wrong, however many of
/// its fields were.
fn tally(entries: i64, misses: &[(i64, String, String, NaiveDateTime)]) -> PersonalFigures {
    let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
    let mut wrong_entries = std::collections::BTreeSet::new();
    let mut caught_before_submission = 0;
    for (case, caught_by, field, at) in misses {
        if caught_by == FOUND_BY_A_LATER_STEP {
            *counts.entry(field.clone()).or_default() += 1;
            wrong_entries.insert((*case, *at));
        } else {
            caught_before_submission += 1;
        }
    }
    let mut by_field: Vec<(String, i64)> = counts.into_iter().collect();
    by_field.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    PersonalFigures {
        entries,
        entries_found_wrong: wrong_entries.len() as i64,
        by_field,
        caught_before_submission,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(9, minute, 0))
            .unwrap_or_default()
    }

    fn miss(
        case: i64,
        caught_by: &str,
        field: &str,
        minute: u32,
    ) -> (i64, String, String, NaiveDateTime) {
        (case, caught_by.into(), field.into(), at(minute))
    }

    #[test]
    fn accuracy_is_the_share_of_entries_without_a_wrong_value() {
        let f = |entries, wrong| PersonalFigures {
            entries,
            entries_found_wrong: wrong,
            by_field: Vec::new(),
            caught_before_submission: 0,
        };
        assert_eq!(f(0, 0).accuracy(), 1.0);
        assert_eq!(f(200, 1).accuracy(), 0.995);
        assert_eq!(f(2, 5).accuracy(), 0.0);
    }

    #[test]
    fn refusals_by_the_rules_are_counted_beside_the_accuracy_not_in_it() {
        // Eleven cases, one plate found wrong by the verification, and a
        // refused submission that broke three rules before it was fixed.
        let misses = [
            miss(3, "verification", "plate", 5),
            miss(7, "validation", "plate", 9),
            miss(7, "validation", "vehicle_class", 9),
            miss(7, "registry", "make", 9),
        ];
        let f = tally(11, &misses);
        assert_eq!(f.entries_found_wrong, 1);
        assert_eq!(f.caught_before_submission, 3);
        assert_eq!(f.by_field, vec![("plate".to_owned(), 1)]);
        assert!((f.accuracy() - 10.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn one_entry_with_two_wrong_values_is_one_entry_found_wrong() {
        let misses = [
            miss(3, "verification", "plate", 5),
            miss(3, "verification", "article_code", 5),
            miss(4, "verification", "plate", 6),
        ];
        let f = tally(10, &misses);
        assert_eq!(f.entries_found_wrong, 2);
        assert_eq!(f.by_field[0], ("plate".to_owned(), 2));
        assert_eq!(f.accuracy(), 0.8);
    }
}
