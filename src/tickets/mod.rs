//! Electronic traffic tickets (電子舉發單). The rules that catch a wrong
//! ticket before it is printed live here as plain functions.

pub mod catalog;
pub mod catalog_store;
pub mod http;
pub mod national_id;
pub mod number;
pub mod plate;
pub mod print;
pub mod service;
pub mod store;
pub mod validate;
