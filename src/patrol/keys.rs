//! Rotating the key that signs box codes.

use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Role};
use crate::error::{ApiError, ApiResult};

use super::store;

pub fn rotate(conn: &mut DbConn, actor: &Actor) -> ApiResult<i32> {
    if actor.role != Role::Admin || !actor.reaches_all() {
        return Err(ApiError::Forbidden("headquarters_admin_only"));
    }
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
    if actor.role != Role::Admin || !actor.reaches_all() {
        return Err(ApiError::Forbidden("headquarters_admin_only"));
    }
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
