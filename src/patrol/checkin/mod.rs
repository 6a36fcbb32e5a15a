//! Check-ins (巡簽): a scan of a patrol box, judged and kept.
//!
//! - `input`: the scan as the handheld sends it, and the answers about it;
//! - `judge`: the rules (geofence, travel, duplicates, dwell, plan), pure;
//! - `history`: an officer's scans around the ones being judged, in memory;
//! - `facts`: what the rules need from storage, read once for all the scans
//!   recorded together;
//! - `upload`: recording scans, idempotently;
//! - `batch`: an offline batch, read item by item, then recorded;
//! - `group`: single scans arriving together committed together;
//! - `view`: a stored check-in as its readers see it.

pub mod batch;
pub mod facts;
pub mod group;
pub mod history;
pub mod input;
pub mod judge;
mod replay;
pub mod upload;
pub mod view;

pub use batch::{Sender, check_items, read_items, record_batch};
pub use input::{
    BatchRequest, BatchResponse, CheckinInput, CheckinKind, CheckinResult, CheckinStatus,
    ItemError, MAX_BATCH, Outcome,
};
pub use judge::schedule_of;
pub use upload::{Checked, Scan, record_scans};
pub use view::{CheckinView, checkin_view, checkin_views};
