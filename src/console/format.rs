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

/// A calendar day as typed: ROC or Western year, `/` or `-` between
/// (`115/12/08`, `115-12-08`, `2026-12-08`, `2026/12/08`).
pub fn parse_day(input: &str) -> Option<chrono::NaiveDate> {
    let text = input.trim().replace('/', "-");
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.trim().parse().ok()?;
    let month: u32 = parts.next()?.trim().parse().ok()?;
    let day: u32 = parts.next()?.trim().parse().ok()?;
    let year = if year < 1911 { year + 1911 } else { year };
    chrono::NaiveDate::from_ymd_opt(year, month, day)
}

/// A month as typed (`115/12`, `2026-12`) as the key the reports take
/// (`2026-12`).
pub fn parse_month(input: &str) -> Option<String> {
    let text = input.trim().replace('/', "-");
    let (year, month) = text.split_once('-')?;
    let year: i32 = year.trim().parse().ok()?;
    let month: u32 = month.trim().parse().ok()?;
    let year = if year < 1911 { year + 1911 } else { year };
    chrono::NaiveDate::from_ymd_opt(year, month, 1).map(|d| d.format("%Y-%m").to_string())
}

/// `2026-12` as a month is typed and read here: `115/12`.
pub fn roc_month_input(key: &str) -> String {
    parse_month(key)
        .and_then(|k| {
            let (y, m) = k.split_once('-')?;
            Some(format!("{}/{m}", y.parse::<i32>().ok()? - 1911))
        })
        .unwrap_or_else(|| key.to_owned())
}

/// Reads an optional day from a query or form in either calendar; an
/// empty field is none, an unreadable one an error.
pub fn day_opt<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<chrono::NaiveDate>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(d)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse_day(t)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("請以 115/12/08 的格式輸入日期")),
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
        for typed in [
            "115/12/01",
            "115-12-01",
            "2026-12-01",
            "2026/12/01",
            " 115/12/1 ",
        ] {
            assert_eq!(parse_day(typed), Some(d), "{typed}");
        }
        assert_eq!(parse_day("115/13/01"), None);
        assert_eq!(parse_month("115/12").as_deref(), Some("2026-12"));
        assert_eq!(parse_month("2026-12").as_deref(), Some("2026-12"));
        assert_eq!(roc_month_input("2026-12"), "115/12");
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
