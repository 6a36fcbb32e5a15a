//! Electronic patrol sign-in (電子巡簽): patrol boxes and their signed
//! codes, check-ins online and offline, patrol plans, coverage audits.

pub mod box_import;
pub mod box_rules;
pub mod boxes;
pub mod checkin;
pub mod checkins;
pub mod clock;
pub mod code;
pub mod coverage;
pub mod documents;
pub mod flags;
pub mod generate;
pub mod geofence;
pub mod http;
pub mod keys;
pub mod model;
pub mod plans;
pub mod render;
pub mod review;
pub mod schedule;
pub mod store;
pub mod sun;
pub mod today;
pub mod travel;
