//! Times and numbers as Taiwanese users read them: Taiwan time, Republic
//! of China years in dates, 24-hour clocks.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::domain::time::{from_taiwan, to_taiwan};

/// 115/11/30 14:05:09 — the short form of tables and forms.
pub fn roc_short(utc: NaiveDateTime) -> String {
    let local = to_taiwan(utc);
    format!(
        "{}/{}",
        chrono::Datelike::year(&local) - 1911,
        local.format("%m/%d %H:%M:%S")
    )
}

/// 115/12/01 — a calendar date (already local) with its ROC year.
pub fn roc_short_date(d: chrono::NaiveDate) -> String {
    format!(
        "{}/{}",
        chrono::Datelike::year(&d) - 1911,
        d.format("%m/%d")
    )
}

pub fn roc_short_utc(t: DateTime<Utc>) -> String {
    roc_short(t.naive_utc())
}

/// 14:05 — a time of day in Taiwan time.
pub fn hhmm_utc(t: DateTime<Utc>) -> String {
    to_taiwan(t.naive_utc()).format("%H:%M").to_string()
}

/// 2,700 元 — an amount of money as it is written on a ticket.
pub fn money(n: i64) -> String {
    format!("{} 元", thousands(n))
}

/// A share in per cent, or "—" when nothing was expected (0 of 0 is not
/// 100%, it is nothing to measure).
pub fn pct_of(expected: i64, pct: f64) -> String {
    if expected == 0 {
        "—".to_owned()
    } else {
        format!("{pct:.1}%")
    }
}

/// A time typed in Taiwan time, with a Western or ROC year:
/// `2026-11-30 14:05:09`, `2026/11/30 14:05`, `115/11/30 14:05:09`.
pub fn parse_local(input: &str) -> Option<DateTime<Utc>> {
    let text = input.trim().replace('/', "-").replace('T', " ");
    let (date, time) = text.split_once(' ').unwrap_or((text.as_str(), "00:00:00"));
    let mut parts = date.splitn(2, '-');
    let year: i32 = parts.next()?.trim().parse().ok()?;
    let rest = parts.next()?;
    let year = if year < 1911 { year + 1911 } else { year };
    let time = time.trim();
    let time = if time.matches(':').count() == 1 {
        format!("{time}:00")
    } else {
        time.to_owned()
    };
    let local =
        NaiveDateTime::parse_from_str(&format!("{year}-{rest} {time}"), "%Y-%m-%d %H:%M:%S")
            .ok()?;
    Some(from_taiwan(local).and_utc())
}

/// The input form of a time: Taiwan time, Western year, to the second.
pub fn input_value(t: DateTime<Utc>) -> String {
    to_taiwan(t.naive_utc())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taiwan_times_both_years() {
        let utc = parse_local("2026-11-30 14:05:09").unwrap();
        assert_eq!(utc.to_rfc3339(), "2026-11-30T06:05:09+00:00");
        assert_eq!(parse_local("115/11/30 14:05:09"), Some(utc));
        assert_eq!(
            parse_local("2026/11/30 14:05").unwrap().to_rfc3339(),
            "2026-11-30T06:05:00+00:00"
        );
        assert_eq!(roc_short_utc(utc), "115/11/30 14:05:09");
        assert_eq!(input_value(utc), "2026-11-30 14:05:09");
        assert_eq!(parse_local("昨天"), None);
        assert_eq!(parse_local("2026-13-01 00:00"), None);
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(roc_short_date(d), "115/12/01");
    }
}

/// A whole number with thousands separators, as figures are read here:
/// 12,000,000.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod thousands_tests {
    #[test]
    fn figures_are_grouped_by_three() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(855_200), "855,200");
        assert_eq!(super::thousands(12_000_000), "12,000,000");
        assert_eq!(super::thousands(-1234), "-1,234");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::money(2700), "2,700 元");
        assert_eq!(super::pct_of(0, 100.0), "—");
        assert_eq!(super::pct_of(4, 75.0), "75.0%");
    }
}
