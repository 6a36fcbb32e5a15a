//! The vehicle registry (車籍): plate → vehicle class, make, colour and
//! registered owner. Camera and citizen tickets go to the owner, whose
//! details come from here and are never keyed by hand; a keyed plate that
//! is not registered, or whose class or make disagrees, is caught before
//! issue (`check.rs`).
//!
//! Extracts are imported as CSV (`import.rs`) and only ever added: the
//! record in force on a day is the plate's latest one effective by then.

pub mod check;
pub mod http;
pub mod import;
mod store;

pub use store::RegistryRow;

/// The records of `plate` in force on `day`, one per vehicle class.
pub fn in_force_by_class(
    conn: &mut crate::db::DbConn,
    plate: &str,
    day: chrono::NaiveDate,
) -> crate::error::ApiResult<Vec<RegistryRow>> {
    Ok(store::in_force_by_class(conn, plate, day)?)
}
