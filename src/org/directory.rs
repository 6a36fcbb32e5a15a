//! What the rest of the service may ask of the organisation: a unit,
//! a vendor or an account by id or code, the units under one another, and
//! whether a unit or one above it is disabled. The rows are read as stored;
//! what a caller may see of them is the caller's rule (`visibility`).
//! Everything else of `org`'s store is its own.

pub use super::store::{
    NewUser, UnitFilter, UnitRow, UserRow, count_units, insert_user, list_units, list_vendors,
    unit_by_code, unit_by_id, unit_disabled_along, user_by_badge, user_by_id, vendor_by_code,
    vendor_by_id,
};
