//! Sign-in, tokens, sessions, and the extractors that give handlers their
//! caller typed by role.

pub mod cache;
pub mod extract;
pub mod http;
pub mod lockout;
pub mod service;
mod store;
pub mod token;

pub use extract::{Admin, Caller, HqAdmin, Police, Supervisor, VendorStaff};
