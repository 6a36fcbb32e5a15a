//! Electronic traffic tickets (電子舉發單). The rules that catch a wrong
//! ticket before it is printed live here as plain functions.

pub mod article_counts;
pub mod catalog;
pub mod catalog_store;
pub mod check;
pub mod correct;
pub mod counts;
pub mod delivery;
pub mod generate;
pub mod http;
pub mod input;
pub mod issue;
pub mod model;
pub mod national_id;
pub mod near_miss;
pub mod numbering;
pub mod plate;
pub mod print;
pub mod records;
pub mod search;
mod store;
pub mod validate;
pub mod verify;
pub mod view;
pub mod void;
