//! `column IN (SELECT value FROM json_each(?))`: a list of values as one
//! bound parameter on SQLite.
//!
//! Diesel writes `eq_any` as `IN (?, ?, …)`, one placeholder per value, and
//! so never keeps the statement prepared: a check-in group looked up its
//! client ids, boxes and plans through statements parsed and planned anew
//! every time, an eighth of the writer's time. With the list bound as one
//! JSON array the text stays the same whatever its length, and the
//! statement is prepared once. SQLite still reads the column's index once
//! per value. PostgreSQL needs none of this: there `eq_any` is already
//! `= ANY($1)` over one bound array.

use diesel::expression::{AppearsOnTable, Expression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, result::Error};
use serde::Serialize;

/// `column IN (SELECT value FROM json_each(?))`, the values bound as one
/// JSON array. They must serialise to what the column holds: strings for
/// text, numbers for integers.
#[derive(Debug, Clone)]
pub struct JsonIn<C> {
    column: C,
    values: String,
}

/// `column` is any of `values`.
pub fn json_in<C, T: Serialize>(column: C, values: &[T]) -> QueryResult<JsonIn<C>> {
    let values = serde_json::to_string(values).map_err(|e| Error::SerializationError(e.into()))?;
    Ok(JsonIn { column, values })
}

impl<C: Expression> Expression for JsonIn<C> {
    type SqlType = Bool;
}

impl<C, QS> AppearsOnTable<QS> for JsonIn<C>
where
    C: AppearsOnTable<QS>,
    Self: Expression,
{
}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for JsonIn<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for JsonIn<C> {
    type QueryId = ();
    // Cached by its text, which does not depend on the values.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for JsonIn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.values)?;
        out.push_sql("))");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    diesel::table! {
        items (id) {
            id -> BigInt,
            name -> Text,
        }
    }

    fn connection() -> SqliteConnection {
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        c.batch_execute(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
             INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'it''s \"quoted\"'), (4, 'd');",
        )
        .unwrap();
        c
    }

    #[test]
    fn finds_exactly_the_listed_values_of_text_and_integer_columns() {
        let mut c = connection();
        let names = ["b", "it's \"quoted\"", "absent"];
        let mut ids: Vec<i64> = items::table
            .filter(json_in(items::name, &names).unwrap())
            .select(items::id)
            .load(&mut c)
            .unwrap();
        ids.sort_unstable();
        assert_eq!(ids, vec![2, 3]);
        let found: Vec<String> = items::table
            .filter(json_in(items::id, &[4i64, 1, 99]).unwrap())
            .order(items::id)
            .select(items::name)
            .load(&mut c)
            .unwrap();
        assert_eq!(found, vec!["a", "d"]);
        let none: Vec<i64> = items::table
            .filter(json_in::<_, i64>(items::id, &[]).unwrap())
            .select(items::id)
            .load(&mut c)
            .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn reads_the_index_once_per_value_rather_than_scanning() {
        let mut c = connection();
        let query = items::table
            .filter(json_in(items::name, &["a"]).unwrap())
            .select(items::id);
        let sql = diesel::debug_query::<Sqlite, _>(&query).to_string();
        let sql = sql
            .split(" -- binds")
            .next()
            .unwrap()
            .replace('?', "'[\"a\"]'");
        #[derive(QueryableByName)]
        struct Plan {
            #[diesel(sql_type = Text)]
            detail: String,
        }
        let plan: Vec<Plan> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load(&mut c)
            .unwrap();
        let details: Vec<&str> = plan.iter().map(|p| p.detail.as_str()).collect();
        assert!(
            details
                .iter()
                .any(|d| d.contains("USING") && d.contains("INDEX")),
            "{details:?}"
        );
        assert!(!details.contains(&"SCAN items"), "{details:?}");
    }
}
