//! Arguments of a PostgreSQL `unnest(…)`: each column of many rows bound as
//! one array and cast to its type, so a statement's text stays the same
//! whatever the number of rows and it is prepared once per connection.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::AstPass;
use diesel::serialize::ToSql;
use diesel::sql_types::{Array, HasSqlType};

/// Writes `unnest($1::type[], $2::type[], …)` one column at a time.
pub struct UnnestArgs<'p, 'a, 'b> {
    out: &'p mut AstPass<'a, 'b, Pg>,
    first: bool,
}

impl<'p, 'a, 'b> UnnestArgs<'p, 'a, 'b> {
    pub fn open(out: &'p mut AstPass<'a, 'b, Pg>) -> Self {
        out.push_sql("unnest(");
        UnnestArgs { out, first: true }
    }

    /// The next column: `values` bound as `ST[]`, cast to `pg_type[]`.
    pub fn column<ST, U>(&mut self, values: &'b U, pg_type: &str) -> QueryResult<()>
    where
        ST: 'static,
        Pg: HasSqlType<Array<ST>>,
        U: ToSql<Array<ST>, Pg> + ?Sized,
    {
        if !std::mem::take(&mut self.first) {
            self.out.push_sql(", ");
        }
        self.out.push_bind_param::<Array<ST>, U>(values)?;
        self.out.push_sql("::");
        self.out.push_sql(pg_type);
        self.out.push_sql("[]");
        Ok(())
    }

    pub fn close(self) {
        self.out.push_sql(")");
    }
}
