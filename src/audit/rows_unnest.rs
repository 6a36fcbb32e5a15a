//! Audit entries inserted on PostgreSQL by one statement of fixed text, the
//! columns bound as arrays and `unnest`ed: prepared once per connection and
//! kept, however many entries a transaction appends (a multi-row
//! `INSERT … VALUES` is parsed and planned anew for every row count).

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

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
             unit_id, device, details, prev_hash, hash, mac_key) SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<BigInt>, _>(&self.seq)?;
        out.push_sql("::int8[], ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.at)?;
        out.push_sql("::timestamp[], ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.actor_id)?;
        out.push_sql("::int8[], ");
        out.push_bind_param::<Array<Text>, _>(&self.action)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Text>, _>(&self.object_type)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.object_id)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.unit_id)?;
        out.push_sql("::int8[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.device)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Text>, _>(&self.details)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Text>, _>(&self.prev_hash)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Text>, _>(&self.hash)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.mac_key)?;
        out.push_sql("::text[])");
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
