//! Audit entries inserted on PostgreSQL by one statement of fixed text, the
//! columns bound as arrays and `unnest`ed: prepared once per connection and
//! kept, however many entries a transaction appends (a multi-row
//! `INSERT … VALUES` is parsed and planned anew for every row count).

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

use crate::db::pg_arrays::UnnestArgs;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::store::AuditRow;

pub(super) struct AuditRowsUnnest<'a> {
    seq: Vec<i64>,
    at: Vec<NaiveDateTime>,
    actor_id: Vec<Option<i64>>,
    action: Vec<&'a str>,
    object_type: Vec<&'a str>,
    object_id: Vec<Option<&'a str>>,
    unit_id: Vec<Option<i64>>,
    device: Vec<Option<&'a str>>,
    details: Vec<&'a str>,
    prev_hash: Vec<&'a str>,
    hash: Vec<&'a str>,
    mac_key: Vec<Option<&'a str>>,
}

impl<'a> AuditRowsUnnest<'a> {
    pub(super) fn new(rows: &'a [AuditRow]) -> Self {
        AuditRowsUnnest {
            seq: rows.iter().map(|r| r.seq).collect(),
            at: rows.iter().map(|r| r.at).collect(),
            actor_id: rows.iter().map(|r| r.actor_id).collect(),
            action: rows.iter().map(|r| r.action.as_str()).collect(),
            object_type: rows.iter().map(|r| r.object_type.as_str()).collect(),
            object_id: rows.iter().map(|r| r.object_id.as_deref()).collect(),
            unit_id: rows.iter().map(|r| r.unit_id).collect(),
            device: rows.iter().map(|r| r.device.as_deref()).collect(),
            details: rows.iter().map(|r| r.details.as_str()).collect(),
            prev_hash: rows.iter().map(|r| r.prev_hash.as_str()).collect(),
            hash: rows.iter().map(|r| r.hash.as_str()).collect(),
            mac_key: rows.iter().map(|r| r.mac_key.as_deref()).collect(),
        }
    }
}

impl QueryFragment<Pg> for AuditRowsUnnest<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO audit_log (seq, at, actor_id, action, object_type, object_id, \
             unit_id, device, details, prev_hash, hash, mac_key) SELECT * FROM ",
        );
        let mut args = UnnestArgs::open(&mut out);
        args.column::<BigInt, _>(&self.seq, "int8")?;
        args.column::<Timestamp, _>(&self.at, "timestamp")?;
        args.column::<Nullable<BigInt>, _>(&self.actor_id, "int8")?;
        args.column::<Text, _>(&self.action, "text")?;
        args.column::<Text, _>(&self.object_type, "text")?;
        args.column::<Nullable<Text>, _>(&self.object_id, "text")?;
        args.column::<Nullable<BigInt>, _>(&self.unit_id, "int8")?;
        args.column::<Nullable<Text>, _>(&self.device, "text")?;
        args.column::<Text, _>(&self.details, "text")?;
        args.column::<Text, _>(&self.prev_hash, "text")?;
        args.column::<Text, _>(&self.hash, "text")?;
        args.column::<Nullable<Text>, _>(&self.mac_key, "text")?;
        args.close();
        Ok(())
    }
}

/// The same text whatever the rows: prepared once per connection and kept.
pub(super) struct AuditRowsUnnestId;

impl QueryId for AuditRowsUnnest<'_> {
    type QueryId = AuditRowsUnnestId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for AuditRowsUnnest<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl RunQueryDsl<PgConnection> for AuditRowsUnnest<'_> {}
