//! Queries on check-ins and their reviews.

use crate::db::LiteralLimitDsl;
use crate::patrol::clock::TimeSource;
use crate::patrol::model::{CheckinKind, CheckinStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::BoxRow;
use crate::db::DbConn;
use crate::db::fixed_chunks::fixed_chunks;
use crate::db::json_in::json_in;
use crate::db::schema::{box_code_keys, checkin_reviews, checkins, patrol_boxes, units, users};
use crate::domain::{BoxId, CheckinId, PlanId, UnitId, UserId};
use crate::org::directory::UnitRow;

/// A stored check-in: its id and what was recorded.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = checkins)]
pub struct CheckinRow {
    pub id: CheckinId,
    #[diesel(embed)]
    pub scan: NewCheckin,
}

impl std::ops::Deref for CheckinRow {
    type Target = NewCheckin;
    fn deref(&self) -> &NewCheckin {
        &self.scan
    }
}

/// What a check-in records, as inserted and as read back.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = checkins, treat_none_as_default_value = false)]
pub struct NewCheckin {
    pub client_id: String,
    pub officer_id: UserId,
    pub box_id: BoxId,
    pub unit_id: UnitId,
    pub kind: CheckinKind,
    pub occurred_at: NaiveDateTime,
    pub time_source: TimeSource,
    pub device_time: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub distance_m: f64,
    pub mock_location: bool,
    pub status: CheckinStatus,
    pub flags: String,
    pub plan_id: Option<PlanId>,
    pub device: Option<String>,
    /// Digest of the scan as uploaded (see `idempotency`).
    pub request_fingerprint: Option<String>,
    /// Device clock minus the proven scan time, when the monotonic clock
    /// proved it.
    pub clock_offset_ms: Option<i64>,
}

/// A check-in as a bulk insert binds it, its times as
/// [`StoredTime`](crate::db::stored_time::StoredTime). It owns its text:
/// diesel knows a statement's text from its type alone only for types
/// that borrow nothing, and otherwise builds the text on every run to look
/// up its prepared copy.
#[derive(Insertable)]
#[diesel(table_name = checkins, treat_none_as_default_value = false)]
struct CheckinInsert {
    client_id: String,
    officer_id: UserId,
    box_id: BoxId,
    unit_id: UnitId,
    kind: CheckinKind,
    #[diesel(serialize_as = crate::db::stored_time::StoredTime)]
    occurred_at: NaiveDateTime,
    time_source: TimeSource,
    #[diesel(serialize_as = crate::db::stored_time::StoredTime)]
    device_time: NaiveDateTime,
    #[diesel(serialize_as = crate::db::stored_time::StoredTime)]
    received_at: NaiveDateTime,
    lat: f64,
    lon: f64,
    accuracy_m: f64,
    distance_m: f64,
    mock_location: bool,
    status: CheckinStatus,
    flags: String,
    plan_id: Option<PlanId>,
    device: Option<String>,
    request_fingerprint: Option<String>,
    clock_offset_ms: Option<i64>,
}

impl From<&NewCheckin> for CheckinInsert {
    fn from(c: &NewCheckin) -> Self {
        CheckinInsert {
            client_id: c.client_id.clone(),
            officer_id: c.officer_id,
            box_id: c.box_id,
            unit_id: c.unit_id,
            kind: c.kind,
            occurred_at: c.occurred_at,
            time_source: c.time_source,
            device_time: c.device_time,
            received_at: c.received_at,
            lat: c.lat,
            lon: c.lon,
            accuracy_m: c.accuracy_m,
            distance_m: c.distance_m,
            mock_location: c.mock_location,
            status: c.status,
            flags: c.flags.clone(),
            plan_id: c.plan_id,
            device: c.device.clone(),
            request_fingerprint: c.request_fingerprint.clone(),
            clock_offset_ms: c.clock_offset_ms,
        }
    }
}

/// Inserts check-ins, skipping any whose client id exists (an identical
/// upload racing this one: the other row is the answer). Returns the id of
/// each row inserted, by client id. On PostgreSQL one statement of fixed
/// text; on SQLite statements of four fixed texts ([`fixed_chunks`]).
///
/// On SQLite nothing can race: the caller holds the database's one write
/// lock and has read the client ids stored in the same transaction, so
/// the insert has no conflict clause (a conflict would fail the
/// transaction). Nor does it return the new ids, which cost a sixth of the
/// insert (SQLite keeps returned rows aside until the statement ends):
/// an id of `AUTOINCREMENT` is larger than every id before it, so the rows
/// get increasing ids in the order inserted, all above the largest before
/// them, and when the largest after them is `n` higher they are exactly
/// the `n` ids in between.
pub fn insert_checkins(
    conn: &mut DbConn,
    rows: &[NewCheckin],
) -> QueryResult<Vec<(CheckinId, String)>> {
    let c = match conn {
        DbConn::Pg(pg) => return super::checkins_unnest::CheckinsUnnest::new(rows).insert(pg),
        DbConn::Sqlite(c) => c,
    };
    let largest = |c: &mut SqliteConnection| -> QueryResult<i64> {
        checkins::table
            .select(diesel::dsl::max(checkins::id))
            .get_result::<Option<CheckinId>>(c)
            .map(|id| id.map_or(0, |id| id.0))
    };
    let before = largest(c)?;
    // 20 values a row: the largest chunk binds 10,240, well under SQLite's
    // limit of 32,766.
    let values: Vec<CheckinInsert> = rows.iter().map(CheckinInsert::from).collect();
    for chunk in fixed_chunks(values) {
        crate::each_chunk!(chunk, |values| diesel::insert_into(checkins::table)
            .values(values)
            .execute(c)?);
    }
    let n = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let ids: Vec<CheckinId> = if largest(c)? - before == n {
        (before + 1..=before + n).map(CheckinId).collect()
    } else {
        // Ids skipped (the table's sequence ahead of its rows): read back,
        // increasing as the rows were inserted.
        checkins::table
            .select(checkins::id)
            .filter(checkins::id.gt(before))
            .order(checkins::id)
            .load(c)?
    };
    if ids.len() != rows.len() {
        return Err(diesel::result::Error::QueryBuilderError(
            format!("{} check-ins inserted, {} ids found", rows.len(), ids.len()).into(),
        ));
    }
    Ok(ids
        .into_iter()
        .zip(rows)
        .map(|(id, row)| (id, row.client_id.clone()))
        .collect())
}

pub fn checkins_by_client_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<CheckinRow>> {
    if let DbConn::Sqlite(c) = conn {
        return checkins::table
            .filter(json_in(checkins::client_id, ids)?)
            .select(CheckinRow::as_select())
            .load(c);
    }
    // PostgreSQL binds the list as one array (`= ANY($1)`), whatever its
    // length.
    checkins::table
        .filter(checkins::client_id.eq_any(ids))
        .select(CheckinRow::as_select())
        .load(conn)
}

pub fn checkin_by_client_id(conn: &mut DbConn, client_id: &str) -> QueryResult<Option<CheckinRow>> {
    checkins::table
        .filter(checkins::client_id.eq(client_id))
        .select(CheckinRow::as_select())
        .first_row(conn)
        .optional()
}

pub fn checkin_with_unit(
    conn: &mut DbConn,
    id: CheckinId,
) -> QueryResult<Option<(CheckinRow, UnitRow)>> {
    checkins::table
        .inner_join(units::table)
        .filter(checkins::id.eq(id))
        .select((CheckinRow::as_select(), UnitRow::as_select()))
        .first_row(conn)
        .optional()
}

pub struct CheckinFilter<'a> {
    pub within_path: Option<&'a str>,
    pub officer_id: Option<UserId>,
    pub box_id: Option<BoxId>,
    pub status: Option<&'a str>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub after: Option<i64>,
    pub limit: i64,
}

pub fn list_checkins(conn: &mut DbConn, f: &CheckinFilter<'_>) -> QueryResult<Vec<CheckinRow>> {
    let mut q = checkins::table
        .inner_join(units::table)
        .select(CheckinRow::as_select())
        .into_boxed();
    if let Some(path) = f.within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(o) = f.officer_id {
        q = q.filter(checkins::officer_id.eq(o));
    }
    if let Some(b) = f.box_id {
        q = q.filter(checkins::box_id.eq(b));
    }
    if let Some(s) = f.status {
        q = q.filter(checkins::status.eq(s.to_owned()));
    }
    if let Some(from) = f.from {
        q = q.filter(checkins::occurred_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(checkins::occurred_at.lt(to));
    }
    if let Some(after) = f.after {
        q = q.filter(checkins::id.gt(CheckinId(after)));
    }
    q.order(checkins::id.asc()).limit(f.limit + 1).load(conn)
}

/// What the coverage report needs of a check-in: (id, officer, box, time, kind, status).
pub type VisitRow = (CheckinId, UserId, BoxId, NaiveDateTime, String, String);

/// The check-ins at the given boxes in a time range.
pub fn visits_at_boxes(
    conn: &mut DbConn,
    boxes: &[BoxId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<VisitRow>> {
    let mut out = Vec::new();
    for chunk in boxes.chunks(500) {
        let mut rows = checkins::table
            .filter(checkins::box_id.eq_any(chunk))
            .filter(checkins::occurred_at.between(from, to))
            .select((
                checkins::id,
                checkins::officer_id,
                checkins::box_id,
                checkins::occurred_at,
                checkins::kind,
                checkins::status,
            ))
            .load(conn)?;
        out.append(&mut rows);
    }
    Ok(out)
}

pub fn badges(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::badge, users::name))
        .load(conn)
}

pub fn boxes_by_ids(conn: &mut DbConn, ids: &[BoxId]) -> QueryResult<Vec<BoxRow>> {
    if let DbConn::Sqlite(c) = conn {
        return patrol_boxes::table
            .filter(json_in(patrol_boxes::id, ids)?)
            .select(BoxRow::as_select())
            .load(c);
    }
    patrol_boxes::table
        .filter(patrol_boxes::id.eq_any(ids))
        .select(BoxRow::as_select())
        .load(conn)
}

#[diesel::declare_sql_function]
extern "SQL" {
    /// PostgreSQL's `array_agg`: the values of the rows as one array, or
    /// NULL over none.
    #[aggregate]
    fn array_agg<ST: diesel::sql_types::SingleValue>(
        expr: ST,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Array<ST>>;
}

/// The boxes among `ids`, and the versions of the code keys in force. On
/// PostgreSQL one statement: a check-in group pays a round trip for every
/// statement, and the keys matter only once a box is known, so they come
/// with each box row (none without one). SQLite, in process, reads both
/// apart.
pub fn boxes_and_keys_in_force(
    conn: &mut DbConn,
    ids: &[BoxId],
) -> QueryResult<(Vec<BoxRow>, Vec<i32>)> {
    let keys_in_force = box_code_keys::table.filter(box_code_keys::retired_at.is_null());
    let pg = match conn {
        DbConn::Pg(pg) => pg,
        DbConn::Sqlite(_) => {
            let boxes = boxes_by_ids(conn, ids)?;
            let keys = keys_in_force.select(box_code_keys::version).load(conn)?;
            return Ok((boxes, keys));
        }
    };
    let rows: Vec<(BoxRow, Option<Vec<i32>>)> = patrol_boxes::table
        .filter(patrol_boxes::id.eq_any(ids))
        .select((
            BoxRow::as_select(),
            keys_in_force
                .select(array_agg(box_code_keys::version))
                .single_value(),
        ))
        .load(pg)?;
    let (boxes, keys): (Vec<BoxRow>, Vec<_>) = rows.into_iter().unzip();
    // Every row carries the same keys.
    let keys = keys.into_iter().flatten().next().unwrap_or_default();
    Ok((boxes, keys))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = checkin_reviews)]
pub struct ReviewRow {
    pub id: i64,
    pub checkin_id: CheckinId,
    pub reviewer_id: UserId,
    pub decision: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_review(
    conn: &mut DbConn,
    checkin: CheckinId,
    reviewer: UserId,
    decision: &str,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(checkin_reviews::table)
        .values((
            checkin_reviews::checkin_id.eq(checkin),
            checkin_reviews::reviewer_id.eq(reviewer),
            checkin_reviews::decision.eq(decision),
            checkin_reviews::note.eq(note),
            checkin_reviews::created_at.eq(at),
        ))
        .returning(checkin_reviews::id)
        .get_result(conn)
}

/// The standing (latest) review of each of the given check-ins.
pub fn latest_reviews(
    conn: &mut DbConn,
    ids: &[CheckinId],
) -> QueryResult<std::collections::HashMap<CheckinId, ReviewRow>> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<ReviewRow> = checkin_reviews::table
            .filter(checkin_reviews::checkin_id.eq_any(chunk))
            .order(checkin_reviews::id.asc())
            .select(ReviewRow::as_select())
            .load(conn)?;
        for r in rows {
            out.insert(r.checkin_id, r);
        }
    }
    Ok(out)
}
