//! Ticket quality: the error rate against the 0.1% target and the near
//! misses (mistakes caught before issue), per unit, source, vendor, keyer,
//! officer and error type; the turnaround of cases; the enforcement of the
//! seven major violations. Reads tickets and cases; changes nothing.

pub mod charts;
pub mod enforcement;
pub mod error_rate;
pub mod http;
pub mod monthly;
pub mod near_miss;
pub mod personal;
pub mod report;
pub mod reports;
mod store;
pub mod turnaround;
