//! Tickets that stand, counted by Taiwan month of the violation, unit and
//! article (`article_counts`): one more as a ticket is issued, moved as a
//! correction replaces it, one less as it is voided. The enforcement of the
//! seven major violations reads these, not a year of a city's tickets.
//!
//! The counts follow the version that stands: a correction that changes
//! the article or the date of the violation moves the ticket to where the
//! corrected version belongs.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::store::TicketRow;
use crate::db::DbConn;
use crate::db::schema::{article_counts, tickets, units};
use crate::domain::time::{month_key, taiwan_date};
use crate::domain::{TicketId, UnitId};

/// Where one ticket is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Insertable)]
#[diesel(table_name = article_counts)]
pub struct ArticleKey {
    pub month: String,
    pub unit_id: UnitId,
    pub article_code: String,
}

impl ArticleKey {
    pub fn new(violation_at: NaiveDateTime, unit: UnitId, article_code: &str) -> Self {
        ArticleKey {
            month: month_key(taiwan_date(violation_at)),
            unit_id: unit,
            article_code: article_code.to_owned(),
        }
    }

    /// Where a ticket version in hand is counted.
    pub fn of(row: &TicketRow) -> Self {
        ArticleKey::new(row.violation_at, row.unit_id, &row.article_code)
    }

    /// Where the stored ticket `id` is counted, read from the database.
    pub fn of_ticket(conn: &mut DbConn, id: TicketId) -> QueryResult<Self> {
        let (at, unit, code): (NaiveDateTime, UnitId, String) = tickets::table
            .find(id)
            .select((
                tickets::violation_at,
                tickets::unit_id,
                tickets::article_code,
            ))
            .get_result(conn)?;
        Ok(ArticleKey::new(at, unit, &code))
    }
}

/// Adds `n` (negative: takes off) to each count, in the caller's
/// transaction.
pub fn add(conn: &mut DbConn, counts: &HashMap<ArticleKey, i64>) -> QueryResult<()> {
    for (key, n) in counts.iter().filter(|(_, n)| **n != 0) {
        crate::each_backend!(conn, |c| diesel::insert_into(article_counts::table)
            .values((key, article_counts::n.eq(n)))
            .on_conflict((
                article_counts::month,
                article_counts::unit_id,
                article_counts::article_code,
            ))
            .do_update()
            .set(article_counts::n.eq(article_counts::n + excluded(article_counts::n)))
            .execute(c))?;
    }
    Ok(())
}

/// Counts the ticket version `row` just stored, taking off the version it
/// replaces (`row.supersedes_id`), the one read of the database here.
pub fn stored(conn: &mut DbConn, row: &TicketRow) -> QueryResult<()> {
    let mut counts = HashMap::from([(ArticleKey::of(row), 1)]);
    if let Some(old) = row.supersedes_id {
        *counts.entry(ArticleKey::of_ticket(conn, old)?).or_default() -= 1;
    }
    add(conn, &counts)
}

/// Takes a voided ticket off the count where `key` says it stood.
pub fn voided(conn: &mut DbConn, key: ArticleKey) -> QueryResult<()> {
    add(conn, &HashMap::from([(key, -1)]))
}

/// The counts of Taiwan months `from..=to` (`YYYY-MM`) of the articles
/// `codes`, of units within `path`.
pub fn read(
    conn: &mut DbConn,
    path: Option<&str>,
    from: &str,
    to: &str,
    codes: &[String],
) -> QueryResult<Vec<(ArticleKey, i64)>> {
    let mut q = article_counts::table
        .filter(article_counts::month.ge(from))
        .filter(article_counts::month.le(to))
        .filter(article_counts::article_code.eq_any(codes))
        .select((
            article_counts::month,
            article_counts::unit_id,
            article_counts::article_code,
            article_counts::n,
        ))
        .into_boxed();
    if let Some(p) = path {
        q = q.filter(
            article_counts::unit_id.eq_any(
                units::table
                    .filter(units::path.like(format!("{p}%")))
                    .select(units::id),
            ),
        );
    }
    let rows: Vec<(String, UnitId, String, i64)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(month, unit_id, article_code, n)| {
            (
                ArticleKey {
                    month,
                    unit_id,
                    article_code,
                },
                n,
            )
        })
        .collect())
}
