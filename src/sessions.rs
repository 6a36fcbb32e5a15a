//! Ending sign-in sessions. Signing out ends one; a password change ends
//! the others of that account; a reset or a disabled account ends them all.
//! Sign-in (`auth`) and account management (`org`) both end sessions, so
//! this sits beneath both.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::auth_sessions;
use crate::domain::UserId;

/// Passes on the number revoked, having told the session caches if any were.
fn told(conn: &mut DbConn, revoked: usize) -> QueryResult<usize> {
    if revoked > 0 {
        crate::auth::cache::sessions_changed(conn)?;
    }
    Ok(revoked)
}

pub fn revoke_session(
    conn: &mut DbConn,
    id: &str,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        auth_sessions::table
            .find(id)
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set((
        auth_sessions::revoked_at.eq(at),
        auth_sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
    .and_then(|revoked| told(conn, revoked))
}

pub fn revoke_user_sessions(
    conn: &mut DbConn,
    user: UserId,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        auth_sessions::table
            .filter(auth_sessions::user_id.eq(user))
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set((
        auth_sessions::revoked_at.eq(at),
        auth_sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
    .and_then(|revoked| told(conn, revoked))
}

/// Ends every session of a user but one (the one changing the password).
pub fn revoke_other_sessions(
    conn: &mut DbConn,
    user: UserId,
    keep: &str,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        auth_sessions::table
            .filter(auth_sessions::user_id.eq(user))
            .filter(auth_sessions::id.ne(keep))
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set((
        auth_sessions::revoked_at.eq(at),
        auth_sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
    .and_then(|revoked| told(conn, revoked))
}
