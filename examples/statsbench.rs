//! Times each quality statistic over a database filled by
//! `epatrol seed demo` and `epatrol generate tickets` (a year of a city's
//! tickets): the same report services the endpoints call, as the city's
//! headquarters sees them, three runs each, best and median reported.
//!
//! EPATROL_DATABASE_URL=... cargo run --release --example statsbench -- 2025

use std::time::Instant;

use epatrol::domain::Actor;
use epatrol::quality::{error_rate, near_miss, reports, turnaround};

fn main() -> anyhow::Result<()> {
    let year: i32 = std::env::args()
        .nth(1)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2025);
    let settings = epatrol::config::Settings::from_env()?;
    let pool = epatrol::open_database(&settings)?;
    let mut conn = pool.get()?;
    let actor = Actor::system();
    let (from, to) = (format!("{year}-01"), format!("{year}-12"));
    let time = |name: &str, f: &mut dyn FnMut() -> usize| {
        let mut runs = Vec::new();
        let mut n = 0;
        for _ in 0..3 {
            let t = Instant::now();
            n = f();
            runs.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        runs.sort_by(f64::total_cmp);
        println!(
            "{name:<34} {n:>9} lines best {:>8.1} ms  median {:>8.1} ms",
            runs.first().copied().unwrap_or_default(),
            runs.get(1).copied().unwrap_or_default()
        );
    };
    let lines = |r: epatrol::error::ApiResult<usize>| r.unwrap_or_default();
    for by in [
        error_rate::Dimension::Month,
        error_rate::Dimension::Unit,
        error_rate::Dimension::ErrorType,
    ] {
        time(&format!("error rate by {by:?}"), &mut || {
            lines(
                reports::error_rate_of(&mut conn, &actor, from.clone(), to.clone(), by)
                    .map(|r| r.lines.len()),
            )
        });
    }
    time("near misses by caught_by", &mut || {
        let by = near_miss::NearMissDimension::CaughtBy;
        lines(
            reports::near_misses_of(&mut conn, &actor, from.clone(), to.clone(), by)
                .map(|r| r.lines.len()),
        )
    });
    time("turnaround by source", &mut || {
        let by = turnaround::TurnaroundDimension::Source;
        lines(
            reports::turnaround_of(&mut conn, &actor, from.clone(), to.clone(), by)
                .map(|r| r.lines.len()),
        )
    });
    time("enforcement of the seven", &mut || {
        lines(reports::enforcement_of(&mut conn, &actor, year).map(|r| r.by_unit.len()))
    });
    Ok(())
}
