//! Outsourced ticket processing (委外製單, 一打二驗): camera cases (逕行舉發)
//! and citizen reports (民眾檢舉) taken in, keyed by a vendor, verified
//! blind, settled by a third person when the two differ, approved by the
//! police and issued as tickets.
//!
//! - `status.rs`: the state machine (statuses, steps, close reasons);
//! - `gates.rs`: the legal gates (Art. 90, Art. 7-1, repeats);
//! - `compare.rs`: differences between keyings and whose value was wrong;
//! - `duties.rs`: who does which step; nobody does two; `blocked.rs`:
//!   the cases nobody can take, named with the reason;
//! - `intake.rs`, `queue.rs`, `work.rs`, `review.rs`, `evidence.rs`: the
//!   services; `store.rs` their queries; `view.rs` what each reader sees;
//! - `http/`: the endpoints.

pub mod blocked;
pub mod camera_record;
pub mod compare;
pub mod duties;
pub mod evidence;
pub mod gates;
pub mod http;
pub mod import;
pub mod input;
pub mod intake;
pub mod queue;
pub mod review;
pub mod settle;
pub mod status;
mod store;
pub mod turnaround_counts;
pub mod view;
pub mod work;
