//! Keyset pagination shared by every list: `?limit=&after=`, answered with
//! `{items, next_cursor}`.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub after: Option<i64>,
}

impl PageQuery {
    /// The page size asked for; outside 1–500 is refused, not clamped, so a
    /// client never silently gets fewer items than it believes it asked for.
    pub fn limit(&self) -> ApiResult<i64> {
        checked_limit(self.limit)
    }
}

/// `limit` or the default, refused outside 1–500.
pub fn checked_limit(limit: Option<i64>) -> ApiResult<i64> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n),
        _ => Err(ApiError::field(
            "limit",
            "out_of_range",
            format!("1 to {MAX_LIMIT} items a page"),
        )),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_cursor: Option<i64>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in key order: the
    /// extra row only says that there is more.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(key) } else { None };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extra_row_only_signals_more() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |x| *x);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor, Some(2));
        let last = Page::from_rows(vec![1, 2], 2, |x| *x);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn limits_outside_the_range_are_refused_not_clamped() {
        for bad in [0, -1, 501, 10_000] {
            assert!(checked_limit(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(checked_limit(Some(500)).ok(), Some(500));
        assert_eq!(PageQuery::default().limit().ok(), Some(DEFAULT_LIMIT));
    }
}
