//! The stored scans the check-in rules look back on, read for all the
//! scans judged together: each officer's neighbours in time and the latest
//! of a kind at a box, every read bounded by an index however many scans
//! the officer has made.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::checkins;
use crate::db::{DbConn, LiteralLimitDsl};
use crate::domain::{BoxId, UserId};
use crate::patrol::model::CheckinKind;

/// What the check-in rules read of an officer's earlier scans.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = checkins)]
pub struct ScanFact {
    pub officer_id: UserId,
    pub box_id: BoxId,
    pub kind: CheckinKind,
    pub occurred_at: NaiveDateTime,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

/// One officer's scans being judged: from the earliest to the latest.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub officer: UserId,
    pub earliest: NaiveDateTime,
    pub latest: NaiveDateTime,
}

/// The latest scan of one kind by one officer at one box in
/// `since..=until`, which a rule looks back for.
#[derive(Debug, Clone, Copy)]
pub struct LookBack {
    pub officer: UserId,
    pub box_id: BoxId,
    pub kind: CheckinKind,
    pub since: NaiveDateTime,
    pub until: NaiveDateTime,
}

/// The stored scans around `spans`: per officer, the nearest at or before
/// the earliest, the nearest after the latest and every one in between;
/// and the scan each of `look_backs` asks for. The same scan may come more
/// than once. On PostgreSQL one statement over arrays, the same text
/// whatever the numbers (so prepared once); on SQLite, where a query is
/// a function call rather than a round trip, one bounded query each.
pub fn scans_around(
    conn: &mut DbConn,
    spans: &[Span],
    look_backs: &[LookBack],
) -> QueryResult<Vec<ScanFact>> {
    if let DbConn::Pg(pg) = conn {
        return scans_around_in_one(pg, spans, look_backs);
    }
    let mut held = Vec::new();
    for s in spans {
        held.extend(scan_at_or_before(conn, s.officer, s.earliest)?);
        held.extend(scan_after(conn, s.officer, s.latest)?);
        if s.earliest < s.latest {
            held.extend(scans_between(conn, s.officer, s.earliest, s.latest)?);
        }
    }
    for l in look_backs {
        held.extend(latest_of_kind_at_box(
            conn, l.officer, l.box_id, l.kind, l.since, l.until,
        )?);
    }
    Ok(held)
}

/// [`scans_around`] on PostgreSQL: each branch one of the bounded queries
/// below, run per array element by `LATERAL`, each an index range scan.
/// A query type of its own rather than `sql_query`, which diesel never
/// keeps prepared: planning this statement costs more than running it.
#[derive(Debug, Clone)]
struct ScansAround {
    officers: Vec<i64>,
    earliest: Vec<NaiveDateTime>,
    latest: Vec<NaiveDateTime>,
    look_officers: Vec<i64>,
    look_boxes: Vec<i64>,
    look_kinds: Vec<&'static str>,
    since: Vec<NaiveDateTime>,
    until: Vec<NaiveDateTime>,
}

const SCAN_COLUMNS: &str = "officer_id, box_id, kind, occurred_at, lat, lon, accuracy_m";

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ScansAround {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use crate::db::pg_arrays::UnnestArgs;
        use diesel::sql_types::{BigInt, Text, Timestamp};
        out.push_sql("WITH span AS (SELECT * FROM ");
        let mut args = UnnestArgs::open(&mut out);
        args.column::<BigInt, _>(&self.officers, "int8")?;
        args.column::<Timestamp, _>(&self.earliest, "timestamp")?;
        args.column::<Timestamp, _>(&self.latest, "timestamp")?;
        args.close();
        out.push_sql(" AS s(officer, lo, hi)), look AS (SELECT * FROM ");
        let mut args = UnnestArgs::open(&mut out);
        args.column::<BigInt, _>(&self.look_officers, "int8")?;
        args.column::<BigInt, _>(&self.look_boxes, "int8")?;
        args.column::<Text, _>(&self.look_kinds, "text")?;
        args.column::<Timestamp, _>(&self.since, "timestamp")?;
        args.column::<Timestamp, _>(&self.until, "timestamp")?;
        args.close();
        out.push_sql(" AS l(officer, box, kind, since, until)) ");
        for part in [
            "SELECT c.* FROM span CROSS JOIN LATERAL ((SELECT ",
            SCAN_COLUMNS,
            " FROM checkins WHERE officer_id = span.officer AND occurred_at <= span.lo \
             ORDER BY occurred_at DESC LIMIT 1) UNION ALL (SELECT ",
            SCAN_COLUMNS,
            " FROM checkins WHERE officer_id = span.officer AND occurred_at > span.hi \
             ORDER BY occurred_at LIMIT 1) UNION ALL SELECT ",
            SCAN_COLUMNS,
            " FROM checkins WHERE officer_id = span.officer AND occurred_at > span.lo \
             AND occurred_at <= span.hi) c UNION ALL \
             SELECT c.* FROM look CROSS JOIN LATERAL (SELECT ",
            SCAN_COLUMNS,
            " FROM checkins WHERE officer_id = look.officer AND box_id = look.box \
             AND kind = look.kind AND occurred_at >= look.since AND occurred_at <= look.until \
             ORDER BY occurred_at DESC LIMIT 1) c",
        ] {
            out.push_sql(part);
        }
        Ok(())
    }
}

/// The same statement whatever the arrays hold: prepared once per
/// connection and kept.
impl diesel::query_builder::QueryId for ScansAround {
    type QueryId = ScansAround;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for ScansAround {
    type SqlType = diesel::sql_types::Untyped;
}

impl RunQueryDsl<PgConnection> for ScansAround {}

fn scans_around_in_one(
    pg: &mut PgConnection,
    spans: &[Span],
    look_backs: &[LookBack],
) -> QueryResult<Vec<ScanFact>> {
    ScansAround {
        officers: spans.iter().map(|s| s.officer.0).collect(),
        earliest: spans.iter().map(|s| s.earliest).collect(),
        latest: spans.iter().map(|s| s.latest).collect(),
        look_officers: look_backs.iter().map(|l| l.officer.0).collect(),
        look_boxes: look_backs.iter().map(|l| l.box_id.0).collect(),
        look_kinds: look_backs.iter().map(|l| l.kind.as_str()).collect(),
        since: look_backs.iter().map(|l| l.since).collect(),
        until: look_backs.iter().map(|l| l.until).collect(),
    }
    .load(pg)
}

/// The officer's scans after `after`, up to and at `until`.
fn scans_between(
    conn: &mut DbConn,
    officer: UserId,
    after: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<ScanFact>> {
    checkins::table
        .filter(checkins::officer_id.eq(officer))
        .filter(checkins::occurred_at.gt(after))
        .filter(checkins::occurred_at.le(until))
        .select(ScanFact::as_select())
        .load(conn)
}

/// The officer's latest scan at or before `at`.
fn scan_at_or_before(
    conn: &mut DbConn,
    officer: UserId,
    at: NaiveDateTime,
) -> QueryResult<Option<ScanFact>> {
    checkins::table
        .filter(checkins::officer_id.eq(officer))
        .filter(checkins::occurred_at.le(at))
        .order(checkins::occurred_at.desc())
        .select(ScanFact::as_select())
        .first_row(conn)
        .optional()
}

/// The officer's earliest scan after `at`, not at it.
fn scan_after(
    conn: &mut DbConn,
    officer: UserId,
    at: NaiveDateTime,
) -> QueryResult<Option<ScanFact>> {
    checkins::table
        .filter(checkins::officer_id.eq(officer))
        .filter(checkins::occurred_at.gt(at))
        .order(checkins::occurred_at.asc())
        .select(ScanFact::as_select())
        .first_row(conn)
        .optional()
}

/// The officer's latest scan of `kind` at one box in `since..=until`.
fn latest_of_kind_at_box(
    conn: &mut DbConn,
    officer: UserId,
    box_id: BoxId,
    kind: CheckinKind,
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Option<ScanFact>> {
    checkins::table
        .filter(checkins::officer_id.eq(officer))
        .filter(checkins::box_id.eq(box_id))
        .filter(checkins::occurred_at.between(since, until))
        .filter(checkins::kind.eq(kind))
        .order(checkins::occurred_at.desc())
        .select(ScanFact::as_select())
        .first_row(conn)
        .optional()
}
