//! Rotating the key that signs box codes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Role};
use crate::error::{ApiError, ApiResult};

use super::store;

pub fn rotate(conn: &mut DbConn, actor: &Actor) -> ApiResult<i32> {
    actor.ensure_headquarters_admin()?;
    write_txn(conn, |conn| {
        let version = store::add_key_version(conn, now())?;
        crate::audit::append(
            conn,
            actor
                .audit("box_code_key.rotate", "box_code_key")
                .object(version),
        )?;
        Ok(version)
    })
}

pub fn retire(conn: &mut DbConn, actor: &Actor, version: i32) -> ApiResult<()> {
    actor.ensure_headquarters_admin()?;
    write_txn(conn, |conn| {
        if store::current_key_version(conn)? == version {
            return Err(ApiError::conflict(
                "current_key",
                "rotate to a new version before retiring the current one",
            ));
        }
        if store::retire_key_version(conn, version, now())? == 0 {
            return Err(ApiError::NotFound("key version in force"));
        }
        crate::audit::append(
            conn,
            actor
                .audit("box_code_key.retire", "box_code_key")
                .object(version),
        )?;
        Ok(())
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyVersion {
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    /// New stickers are signed with this version.
    pub current: bool,
}

pub fn list(conn: &mut DbConn, actor: &Actor) -> ApiResult<Vec<KeyVersion>> {
    if actor.role != Role::Admin {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let current = store::current_key_version(conn)?;
    Ok(store::key_versions(conn)?
        .into_iter()
        .map(|(version, created, retired)| KeyVersion {
            version,
            created_at: created.and_utc(),
            retired_at: retired.map(|r| r.and_utc()),
            current: version == current,
        })
        .collect())
}
