//! `LIMIT` written into the SQL text instead of bound as a parameter.
//!
//! Diesel binds `.limit(n)` and `.first()` as `LIMIT ?`. The SQLite that
//! `libsqlite3-sys` bundles (3.49 onwards) lets a bound limit take part in
//! planning, which marks the cached statement to be parsed and planned again
//! every time the parameter is bound: half of all instructions of a check-in
//! went there. A limit written as a literal keeps the statement prepared once.
//! The value is an integer we format ourselves, never text from a request,
//! and each distinct limit is one more cached statement: callers pass
//! constants or page sizes from a small, clamped range.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::connection::Connection;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::{LoadQuery, RunQueryDsl};

/// `query LIMIT n`, with `n` in the SQL text. The wrapped query must not
/// have a limit, offset or locking clause of its own.
#[derive(Debug, Clone, Copy)]
pub struct LiteralLimit<Q> {
    query: Q,
    limit: u32,
}

impl<Q> QueryId for LiteralLimit<Q> {
    type QueryId = ();
    // The SQL text differs by limit, so statements are cached by their text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for LiteralLimit<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, DB> QueryFragment<DB> for LiteralLimit<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&self.limit.to_string());
        Ok(())
    }
}

impl<Q, C> RunQueryDsl<C> for LiteralLimit<Q> {}

/// `.literal_limit(n)` and `.first_row(conn)` in place of diesel's `.limit(n)`
/// and `.first_row(conn)`.
pub trait LiteralLimitDsl: Sized {
    /// Negative limits read as zero and limits past `u32::MAX` as that.
    fn literal_limit(self, limit: i64) -> LiteralLimit<Self> {
        LiteralLimit {
            query: self,
            limit: u32::try_from(limit.max(0)).unwrap_or(u32::MAX),
        }
    }

    /// The first row, or `NotFound`, as `.first()` does.
    fn first_row<'q, U, C>(self, conn: &mut C) -> QueryResult<U>
    where
        C: Connection,
        LiteralLimit<Self>: LoadQuery<'q, C, U>,
    {
        self.literal_limit(1).get_result(conn)
    }
}

impl<Q: Query> LiteralLimitDsl for Q {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::users;
    use diesel::prelude::*;

    #[test]
    fn the_limit_is_part_of_the_sql_text() {
        let q = users::table
            .select(users::id)
            .order(users::id)
            .literal_limit(25);
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&q).to_string();
        assert!(
            sql.contains("ORDER BY") && sql.ends_with("LIMIT 25 -- binds: []"),
            "{sql}"
        );
        let q = users::table.select(users::id).literal_limit(-3);
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(&q).to_string();
        assert!(sql.ends_with("LIMIT 0 -- binds: []"), "{sql}");
    }
}
