//! The period a statistic covers, and its CSV form.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::time::from_taiwan;
use crate::error::{ApiError, ApiResult};

/// Most months one statistic covers.
pub const MAX_MONTHS: u32 = 36;

/// `[from, to]` in Taiwan months (`YYYY-MM`) as UTC instants `[start, end)`.
pub fn month_span(from: &str, to: &str) -> ApiResult<(NaiveDateTime, NaiveDateTime)> {
    let parse = |field: &str, s: &str| {
        crate::domain::time::parse_month(s)
            .ok_or_else(|| ApiError::field(field, "format", "a month, YYYY-MM"))
    };
    let first = parse("from", from)?;
    let last = parse("to", to)?;
    let end = last
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| ApiError::field("to", "out_of_range", "too far"))?;
    let months = (end.year_month() - first.year_month()).max(0);
    if first > last || months > i64::from(MAX_MONTHS) {
        return Err(ApiError::field(
            "to",
            "out_of_range",
            format!("from before to, at most {MAX_MONTHS} months"),
        ));
    }
    let midnight = |d: NaiveDate| from_taiwan(d.and_hms_opt(0, 0, 0).unwrap_or_default());
    Ok((midnight(first), midnight(end)))
}

trait YearMonth {
    fn year_month(&self) -> i64;
}

impl YearMonth for NaiveDate {
    fn year_month(&self) -> i64 {
        use chrono::Datelike;
        i64::from(self.year()) * 12 + i64::from(self.month0())
    }
}

/// Rows as CSV with a byte-order mark (spreadsheets then read UTF-8).
pub fn csv_of(header: &[&str], rows: Vec<Vec<String>>) -> ApiResult<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let io = |e: csv::Error| ApiError::Internal(anyhow::Error::new(e));
        w.write_record(header).map_err(io)?;
        for r in rows {
            w.write_record(r).map_err(io)?;
        }
        w.flush().map_err(|e| ApiError::Internal(e.into()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_taiwan_months() {
        let (a, b) = month_span("2026-01", "2026-02").unwrap();
        assert_eq!(a.to_string(), "2025-12-31 16:00:00");
        assert_eq!(b.to_string(), "2026-02-28 16:00:00");
        assert!(month_span("2026-13", "2026-12").is_err());
        assert!(month_span("2026-03", "2026-02").is_err());
        assert!(month_span("2020-01", "2026-02").is_err());
        assert!(month_span("2026-1", "2026-02").is_err());
    }
}
