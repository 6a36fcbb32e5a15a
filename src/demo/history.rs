//! A year behind the demo city, so that a newcomer's first sign-in shows a
//! department at work: tickets issued over the last 365 days with their
//! corrections, voids and the cases they came from (`tickets::generate`),
//! and two months of patrol check-ins against the plans
//! (`patrol::generate`). Written in bulk like the generators' benchmark
//! data, at demo scale: a few seconds of the first start.

use chrono::Duration;

use crate::db::{DbConn, now};
use crate::error::ApiResult;

/// Tickets of the year behind the demo city.
pub const TICKETS: u32 = 3_000;
/// Days of patrol check-ins behind it.
pub const PATROL_DAYS: u32 = 60;

/// Writes the year; returns (tickets, check-ins).
pub fn seed_year(conn: &mut DbConn, ticket_prefix: &str) -> ApiResult<(u64, u64)> {
    let tickets = crate::tickets::generate::tickets_from(
        conn,
        ticket_prefix,
        TICKETS,
        now() - Duration::days(365),
        &|_, _| {},
    )?;
    let spec = crate::patrol::generate::Spec {
        days: PATROL_DAYS,
        boxes_per_station: 1,
        officers_per_station: 1,
        visit_rate: 0.97,
    };
    let checkins = crate::patrol::generate::patrol_history(conn, &spec, &|_, _| {})?;
    tracing::info!(tickets, checkins, "demo city's year of history written");
    Ok((tickets, checkins))
}
