//! Queries on sign-in throttling, sessions and refresh tokens.

use crate::db::LiteralLimitDsl;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lockout::Throttle;
use crate::db::DbConn;
use crate::db::schema::{auth_sessions, login_throttle, refresh_tokens, units, users};
use crate::domain::UserId;
use crate::org::directory::{UnitRow, UserRow};

#[derive(Debug, Insertable, AsChangeset, Queryable, Selectable)]
#[diesel(table_name = login_throttle, treat_none_as_null = true)]
struct ThrottleRow {
    badge: String,
    failures: i32,
    locked_until: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
}

/// The throttle state of a badge, locked until the transaction ends: call
/// it inside a write transaction. On PostgreSQL the row is created first if
/// missing so that `FOR UPDATE` has something to lock; SQLite's write
/// transaction already excludes every other writer, on any node.
pub fn throttle_for_update(conn: &mut DbConn, badge: &str) -> QueryResult<Option<Throttle>> {
    let row: Option<ThrottleRow> = match conn {
        DbConn::Pg(pg) => {
            let epoch = chrono::DateTime::UNIX_EPOCH.naive_utc();
            diesel::insert_into(login_throttle::table)
                .values(&ThrottleRow {
                    badge: badge.to_owned(),
                    failures: 0,
                    locked_until: None,
                    updated_at: epoch,
                })
                .on_conflict_do_nothing()
                .execute(pg)?;
            login_throttle::table
                .find(badge)
                .select(ThrottleRow::as_select())
                .for_update()
                .get_result(pg)
                .optional()?
        }
        DbConn::Sqlite(_) => login_throttle::table
            .find(badge)
            .select(ThrottleRow::as_select())
            .first_row(conn)
            .optional()?,
    };
    Ok(row.map(|r| Throttle {
        failures: r.failures,
        locked_until: r.locked_until,
        updated_at: r.updated_at,
    }))
}

pub fn save_throttle(conn: &mut DbConn, badge: &str, state: &Throttle) -> QueryResult<()> {
    let row = ThrottleRow {
        badge: badge.to_owned(),
        failures: state.failures,
        locked_until: state.locked_until,
        updated_at: state.updated_at,
    };
    crate::each_backend!(conn, |c| diesel::insert_into(login_throttle::table)
        .values(&row)
        .on_conflict(login_throttle::badge)
        .do_update()
        .set(&row)
        .execute(c))?;
    Ok(())
}

pub fn clear_throttle(conn: &mut DbConn, badge: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(badge)).execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = auth_sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_id: UserId,
    pub device: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
}

pub fn insert_session(conn: &mut DbConn, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(auth_sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshRow {
    pub id: i64,
    pub expires_at: NaiveDateTime,
    pub spent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefresh<'a> {
    pub session_id: &'a str,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert_refresh(conn: &mut DbConn, new: &NewRefresh<'_>) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

pub fn refresh_by_hash(
    conn: &mut DbConn,
    hash: &str,
) -> QueryResult<Option<(RefreshRow, SessionRow)>> {
    refresh_tokens::table
        .inner_join(auth_sessions::table)
        .filter(refresh_tokens::token_hash.eq(hash))
        .select((RefreshRow::as_select(), SessionRow::as_select()))
        .first_row(conn)
        .optional()
}

/// Marks a refresh token spent; `false` when another request spent it first.
pub fn spend_refresh(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::spent_at.is_null()),
    )
    .set(refresh_tokens::spent_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// The account and session behind an access token, read on every request so
/// that disabling a user or revoking a session takes effect at once.
pub fn session_caller(
    conn: &mut DbConn,
    session_id: &str,
) -> QueryResult<Option<(SessionRow, UserRow, UnitRow)>> {
    auth_sessions::table
        .inner_join(users::table.inner_join(units::table))
        .filter(auth_sessions::id.eq(session_id))
        .select((
            SessionRow::as_select(),
            UserRow::as_select(),
            UnitRow::as_select(),
        ))
        .first_row(conn)
        .optional()
}
