//! Timestamps written the way diesel writes them, faster. On SQLite a
//! timestamp is text (`%F %T%.f`), and diesel formats each bound one
//! through chrono's format strings, parsed again for every value: a batch
//! of check-ins binds thousands. Rows written in bulk bind their
//! timestamps as [`StoredTime`] (`#[diesel(serialize_as = StoredTime)]`),
//! whose text is the same, byte for byte, so that comparisons between
//! stored and bound times keep working; PostgreSQL gets the value as is.

use std::fmt::Write;

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
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return t.format("%F %T%.f").to_string();
    }
    // A leap second is written as second 60.
    let second = t.second() + u32::from(t.nanosecond() >= 1_000_000_000);
    let mut s = String::with_capacity(29);
    let _ = write!(
        s,
        "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        second
    );
    // The fraction in as few of 3, 6 or 9 digits as it needs (none when
    // whole).
    let nano = t.nanosecond() % 1_000_000_000;
    let _ = if nano == 0 {
        Ok(())
    } else if nano.is_multiple_of(1_000_000) {
        write!(s, ".{:03}", nano / 1_000_000)
    } else if nano.is_multiple_of(1_000) {
        write!(s, ".{:06}", nano / 1_000)
    } else {
        write!(s, ".{nano:09}")
    };
    s
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
