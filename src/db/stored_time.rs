//! Timestamps written the way diesel writes them, faster. On SQLite a
//! timestamp is text (`%F %T%.f`), and diesel formats each bound one
//! through chrono's format strings, parsed again for every value: a batch
//! of check-ins binds thousands. Rows written in bulk bind their
//! timestamps as [`StoredTime`] (`#[diesel(serialize_as = StoredTime)]`),
//! whose text is the same, byte for byte, so that comparisons between
//! stored and bound times keep working; PostgreSQL gets the value as is.

use chrono::{Datelike, NaiveDateTime, Timelike};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

#[derive(Debug, Clone, Copy, diesel::expression::AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct StoredTime(pub NaiveDateTime);

impl From<NaiveDateTime> for StoredTime {
    fn from(t: NaiveDateTime) -> Self {
        StoredTime(t)
    }
}

/// `t` as chrono's `%F %T%.f` writes it.
pub fn sqlite_text(t: &NaiveDateTime) -> String {
    if !(0..=9999).contains(&t.year()) {
        return t.format("%F %T%.f").to_string();
    }
    let mut s = String::with_capacity(29);
    push_date_time(&mut s, t, ' ');
    // The fraction in as few of 3, 6 or 9 digits as it needs (none when
    // whole).
    let nano = t.nanosecond() % 1_000_000_000;
    let fraction = if nano == 0 {
        None
    } else if nano.is_multiple_of(1_000_000) {
        Some((nano / 1_000_000, 3))
    } else if nano.is_multiple_of(1_000) {
        Some((nano / 1_000, 6))
    } else {
        Some((nano, 9))
    };
    if let Some((digits, width)) = fraction {
        s.push('.');
        push_digits(&mut s, digits, width);
    }
    s
}

/// Appends `t`'s `YYYY-MM-DD`, `separator` and `HH:MM:SS` (a leap second
/// as second 60), for a year of four digits. Written digit by digit: a
/// batch of check-ins writes thousands of times, and the formatting
/// machinery took more than the rest of the row's binding.
pub(crate) fn push_date_time(s: &mut String, t: &NaiveDateTime, separator: char) {
    push_digits(s, u32::try_from(t.year()).unwrap_or_default(), 4);
    s.push('-');
    push_digits(s, t.month(), 2);
    s.push('-');
    push_digits(s, t.day(), 2);
    s.push(separator);
    push_digits(s, t.hour(), 2);
    s.push(':');
    push_digits(s, t.minute(), 2);
    s.push(':');
    push_digits(
        s,
        t.second() + u32::from(t.nanosecond() >= 1_000_000_000),
        2,
    );
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
pub(crate) fn push_digits(s: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = n / 10u32.pow(place) % 10;
        s.push(char::from_digit(digit, 10).unwrap_or('0'));
    }
}

impl ToSql<Timestamp, Sqlite> for StoredTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(sqlite_text(&self.0));
        Ok(IsNull::No)
    }
}

impl ToSql<Timestamp, Pg> for StoredTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, &mut out.reborrow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_chronos_byte_for_byte() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let far = chrono::NaiveDate::from_ymd_opt(12_345, 1, 2).unwrap();
        let early = chrono::NaiveDate::from_ymd_opt(7, 3, 4).unwrap();
        for date in [day, far, early] {
            for nano in [
                0,
                5_000_000,
                120_000_000,
                123_456_000,
                1_000,
                123_456_789,
                7,
                999_999_999,
                1_500_000_000,
            ] {
                let t = date.and_hms_nano_opt(23, 59, 59, nano).unwrap();
                assert_eq!(sqlite_text(&t), t.format("%F %T%.f").to_string(), "{t:?}");
            }
            let t = date.and_hms_opt(0, 0, 0).unwrap();
            assert_eq!(sqlite_text(&t), t.format("%F %T%.f").to_string());
        }
    }
}
