//! One person's own figures, for vendor staff to see how they are doing:
//! how many keyings, verifications and resolutions they entered, and how
//! many of their values a later step found wrong (the differences recorded
//! against them, by field).

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
    /// Values of theirs another step found wrong.
    pub differences: i64,
    /// Those differences by field, most first.
    pub by_field: Vec<(String, i64)>,
}

impl PersonalFigures {
    /// Entries without a value found wrong, as a share (1 when none entered).
    pub fn accuracy(&self) -> f64 {
        if self.entries == 0 {
            return 1.0;
        }
        (1.0 - self.differences as f64 / self.entries as f64).max(0.0)
    }
}

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
    let fields: Vec<String> = near_misses::table
        .filter(near_misses::user_id.eq(user))
        .filter(near_misses::at.ge(from))
        .filter(near_misses::at.lt(to))
        .select(near_misses::field)
        .load(conn)?;
    let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
    for f in &fields {
        *counts.entry(f.clone()).or_default() += 1;
    }
    let mut by_field: Vec<(String, i64)> = counts.into_iter().collect();
    by_field.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(PersonalFigures {
        entries,
        differences: fields.len() as i64,
        by_field,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_is_the_share_of_entries_without_a_wrong_value() {
        let f = |entries, differences| PersonalFigures {
            entries,
            differences,
            by_field: Vec::new(),
        };
        assert_eq!(f(0, 0).accuracy(), 1.0);
        assert_eq!(f(200, 1).accuracy(), 0.995);
        assert_eq!(f(2, 5).accuracy(), 0.0);
    }
}
