//! The append-only audit log. Every state change appends an entry in the same
//! transaction; each entry carries the hash of the one before, so an edited,
//! inserted or deleted row breaks the chain where it happened.

pub mod chain;
pub mod http;
pub mod store;

pub use store::{Entry, append, verify};
