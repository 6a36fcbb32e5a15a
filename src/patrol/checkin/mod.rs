//! Check-ins (巡簽): a scan of a patrol box, judged and kept.
//!
//! - `input`: the scan as the handheld sends it, and the answers about it;
//! - `judge`: the rules (geofence, travel, duplicates, dwell, plan), pure;
//! - `facts`: what the rules need from storage, gathered in one place;
//! - `upload`: recording single scans and offline batches, idempotently;
//! - `group`: single scans arriving together committed together;
//! - `view`: a stored check-in as its readers see it.

pub mod facts;
pub mod group;
pub mod input;
pub mod judge;
pub mod upload;
pub mod view;

pub use input::{
    BatchRequest, BatchResponse, CheckinInput, CheckinKind, CheckinResult, CheckinStatus,
    ItemError, MAX_BATCH, Outcome,
};
pub use judge::schedule_of;
pub use upload::{Upload, record, record_batch};
pub use view::{CheckinView, checkin_view, checkin_views};
