//! Times each quality statistic over a database filled by
//! `epatrol seed demo` and `epatrol generate tickets` (a year of a city's
//! tickets): the same store and rule functions the endpoints call, three
//! runs each, best and median reported.
//!
//! EPATROL_DATABASE_URL=... cargo run --release --example statsbench -- 2025

use std::time::Instant;

use chrono::NaiveDate;
use epatrol::quality::{enforcement, error_rate, near_miss, report, store, turnaround};

fn main() -> anyhow::Result<()> {
    let year: i32 = std::env::args()
        .nth(1)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2025);
    let settings = epatrol::config::Settings::from_env()?;
    let pool = epatrol::open_database(&settings)?;
    let mut conn = pool.get()?;
    let (from, to) = report::month_span(&format!("{year}-01"), &format!("{year}-12"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let today = NaiveDate::from_ymd_opt(year + 1, 12, 1).unwrap_or_default();
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
            "{name:<34} {n:>9} rows  best {:>8.1} ms  median {:>8.1} ms",
            runs.first().copied().unwrap_or_default(),
            runs.get(1).copied().unwrap_or_default()
        );
    };
    for by in [
        error_rate::Dimension::Month,
        error_rate::Dimension::Unit,
        error_rate::Dimension::ErrorType,
    ] {
        time(&format!("error rate by {by:?}"), &mut || {
            let facts = store::ticket_facts(&mut conn, None, from, to).unwrap_or_default();
            error_rate::rates(&facts, by, today);
            facts.len()
        });
    }
    time("near misses by caught_by", &mut || {
        let m = store::near_misses_in(&mut conn, None, from, to).unwrap_or_default();
        near_miss::counts(&m, near_miss::NearMissDimension::CaughtBy);
        m.len()
    });
    time("turnaround by source", &mut || {
        let t = epatrol::cases::turnaround_counts::read(
            &mut conn,
            None,
            &format!("{year}-01"),
            &format!("{year}-12"),
        )
        .unwrap_or_default();
        turnaround::lines(&t, turnaround::TurnaroundDimension::Source);
        t.len()
    });
    time("enforcement of the seven", &mut || {
        let t = store::major_tickets(
            &mut conn,
            None,
            &format!("{}-01", year - 1),
            &format!("{year}-12"),
        )
        .unwrap_or_default();
        enforcement::report(&t, year, &epatrol::tickets::catalog::MAJOR_VIOLATIONS);
        t.len()
    });
    Ok(())
}
