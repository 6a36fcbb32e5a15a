//! The demo wing: what a newcomer sees at first start and what proves the
//! workflow's figures, built only from the capabilities' services.
//!
//! - `city.rs`: the demo city (units, accounts, a vendor, boxes, plans);
//! - `cases.rs`: its outsourced work (a registry extract, camera cases and
//!   citizen reports with drawn evidence);
//! - `history.rs`: a year of tickets and two months of check-ins behind it;
//! - `simulate/`: `epatrol simulate keying`, the keying workflow's error
//!   rate under simulated keyers.
//!
//! The bulk generators of a year of data (`epatrol generate …`) stay in
//! their capabilities (`tickets::generate`, `patrol::generate`): they
//! write the capability's own tables at a speed no service call reaches.

pub mod cases;
pub mod city;
pub mod history;
pub mod simulate;

pub use city::{DEMO_PASSWORD, is_empty, seed};
