//! The integration suite: the whole app over HTTP (and the binary) on a fresh
//! database per test, SQLite by default and PostgreSQL when
//! `EPATROL_TEST_POSTGRES_URL` is set. One binary, so the crate links once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;
mod sun_taps;

mod audit;
mod auth;
mod cases;
mod catalog;
mod cli;
mod console;
mod contract;
mod crash;
mod enforcement_counts;
mod faults;
mod fonts;
mod house;
mod keys;
mod org;
mod patrol;
mod printing;
mod races;
mod robustness;
mod round_trips;
mod snapshots;
mod statements;
mod stuck_cases;
mod tickets;
mod transfer_voids;
mod two_nodes;
