//! The append-only audit log. Every state change appends an entry in the same
//! transaction; each entry carries a keyed hash (HMAC) of itself and the one
//! before, so an edited, inserted or deleted row breaks the chain where it
//! happened, and signed checkpoints of the head outside the database show
//! when the tail was cut.

pub mod chain;
pub mod checkpoint;
pub mod http;
pub mod key;
mod rows_unnest;
mod store;

pub use store::{Entry, append, append_all, list, verify};
