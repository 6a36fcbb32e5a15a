//! Check-ins inserted on PostgreSQL by one statement of fixed text: every
//! column bound as one array and `unnest`ed, so the statement is prepared
//! once per connection and kept, whatever the number of rows. A multi-row
//! `INSERT … VALUES` changes its text with the row count, and PostgreSQL
//! parses and plans every one of them.

use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

use crate::db::pg_arrays::UnnestArgs;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text, Timestamp};

use super::checkin_queries::NewCheckin;
use crate::domain::CheckinId;

/// The rows as columns.
pub(super) struct CheckinsUnnest<'a> {
    client_id: Vec<&'a str>,
    officer_id: Vec<i64>,
    box_id: Vec<i64>,
    unit_id: Vec<i64>,
    kind: Vec<&'static str>,
    occurred_at: Vec<NaiveDateTime>,
    time_source: Vec<&'static str>,
    device_time: Vec<NaiveDateTime>,
    received_at: Vec<NaiveDateTime>,
    lat: Vec<f64>,
    lon: Vec<f64>,
    accuracy_m: Vec<f64>,
    distance_m: Vec<f64>,
    mock_location: Vec<bool>,
    status: Vec<&'static str>,
    flags: Vec<&'a str>,
    plan_id: Vec<Option<i64>>,
    device: Vec<Option<&'a str>>,
    request_fingerprint: Vec<Option<&'a str>>,
    clock_offset_ms: Vec<Option<i64>>,
}

impl<'a> CheckinsUnnest<'a> {
    pub(super) fn new(rows: &'a [NewCheckin]) -> Self {
        CheckinsUnnest {
            client_id: rows.iter().map(|r| r.client_id.as_str()).collect(),
            officer_id: rows.iter().map(|r| r.officer_id.0).collect(),
            box_id: rows.iter().map(|r| r.box_id.0).collect(),
            unit_id: rows.iter().map(|r| r.unit_id.0).collect(),
            kind: rows.iter().map(|r| r.kind.as_str()).collect(),
            occurred_at: rows.iter().map(|r| r.occurred_at).collect(),
            time_source: rows.iter().map(|r| r.time_source.as_str()).collect(),
            device_time: rows.iter().map(|r| r.device_time).collect(),
            received_at: rows.iter().map(|r| r.received_at).collect(),
            lat: rows.iter().map(|r| r.lat).collect(),
            lon: rows.iter().map(|r| r.lon).collect(),
            accuracy_m: rows.iter().map(|r| r.accuracy_m).collect(),
            distance_m: rows.iter().map(|r| r.distance_m).collect(),
            mock_location: rows.iter().map(|r| r.mock_location).collect(),
            status: rows.iter().map(|r| r.status.as_str()).collect(),
            flags: rows.iter().map(|r| r.flags.as_str()).collect(),
            plan_id: rows.iter().map(|r| r.plan_id.map(|p| p.0)).collect(),
            device: rows.iter().map(|r| r.device.as_deref()).collect(),
            request_fingerprint: rows
                .iter()
                .map(|r| r.request_fingerprint.as_deref())
                .collect(),
            clock_offset_ms: rows.iter().map(|r| r.clock_offset_ms).collect(),
        }
    }

    /// Inserts the rows, skipping any whose client id exists; returns the
    /// id of each row inserted, by client id.
    pub(super) fn insert(self, pg: &mut PgConnection) -> QueryResult<Vec<(CheckinId, String)>> {
        self.get_results(pg)
    }
}

impl QueryFragment<Pg> for CheckinsUnnest<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO checkins (client_id, officer_id, box_id, unit_id, kind, occurred_at, \
             time_source, device_time, received_at, lat, lon, accuracy_m, distance_m, \
             mock_location, status, flags, plan_id, device, request_fingerprint, \
             clock_offset_ms) SELECT * FROM ",
        );
        let mut args = UnnestArgs::open(&mut out);
        args.column::<Text, _>(&self.client_id, "text")?;
        args.column::<BigInt, _>(&self.officer_id, "int8")?;
        args.column::<BigInt, _>(&self.box_id, "int8")?;
        args.column::<BigInt, _>(&self.unit_id, "int8")?;
        args.column::<Text, _>(&self.kind, "text")?;
        args.column::<Timestamp, _>(&self.occurred_at, "timestamp")?;
        args.column::<Text, _>(&self.time_source, "text")?;
        args.column::<Timestamp, _>(&self.device_time, "timestamp")?;
        args.column::<Timestamp, _>(&self.received_at, "timestamp")?;
        args.column::<Double, _>(&self.lat, "float8")?;
        args.column::<Double, _>(&self.lon, "float8")?;
        args.column::<Double, _>(&self.accuracy_m, "float8")?;
        args.column::<Double, _>(&self.distance_m, "float8")?;
        args.column::<Bool, _>(&self.mock_location, "bool")?;
        args.column::<Text, _>(&self.status, "text")?;
        args.column::<Text, _>(&self.flags, "text")?;
        args.column::<Nullable<BigInt>, _>(&self.plan_id, "int8")?;
        args.column::<Nullable<Text>, _>(&self.device, "text")?;
        args.column::<Nullable<Text>, _>(&self.request_fingerprint, "text")?;
        args.column::<Nullable<BigInt>, _>(&self.clock_offset_ms, "int8")?;
        args.close();
        out.push_sql(" ON CONFLICT (client_id) DO NOTHING RETURNING id, client_id");
        Ok(())
    }
}

/// The same text whatever the rows: prepared once per connection and kept.
pub(super) struct CheckinsUnnestId;

impl QueryId for CheckinsUnnest<'_> {
    type QueryId = CheckinsUnnestId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for CheckinsUnnest<'_> {
    type SqlType = (BigInt, Text);
}

impl RunQueryDsl<PgConnection> for CheckinsUnnest<'_> {}
