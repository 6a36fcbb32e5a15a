//! 50 concurrent keyers claiming and submitting cases through the same
//! service functions the endpoints call, on a database seeded with
//! `epatrol seed demo`: claim latency (p50, p99, max), keying latency, and
//! that no case was claimed by two people.
//!
//! EPATROL_DATABASE_URL=... cargo run --release --example claimbench -- 50 2000 [THINK_MS]
//!
//! THINK_MS (default 0) is how long each keyer looks at the evidence
//! between claiming a case and submitting it: 0 is saturation, every keyer
//! submitting as fast as the machine lets it. With a think time the keyers
//! start spread over one think time, as people sitting down do.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Instant;

use chrono::{Duration, Utc};
use epatrol::cases::input::{CameraReading, CaseInput, KeyingInput};
use epatrol::cases::status::Step;
use epatrol::domain::{Actor, Role};
use epatrol::tickets::plate::VehicleClass;

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
    sorted.get(i).copied().unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let keyers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let cases: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let think =
        std::time::Duration::from_millis(args.next().and_then(|a| a.parse().ok()).unwrap_or(0));
    let mut settings = epatrol::config::Settings::from_env()?;
    settings.db_pool_size = u32::try_from(keyers + 4).unwrap_or(64);
    let pool = epatrol::open_database(&settings)?;
    let err = |e: epatrol::error::ApiError| anyhow::anyhow!("{e}");
    let mut conn = pool.get()?;
    let vendor = epatrol::org::directory::vendor_by_code(&mut conn, "DEMO-VENDOR")?
        .ok_or_else(|| anyhow::anyhow!("seed the demo city first"))?;
    let unit = epatrol::org::directory::unit_by_code(&mut conn, "P01-S1")?
        .ok_or_else(|| anyhow::anyhow!("seed the demo city first"))?;
    let run = Utc::now().timestamp();
    let hash = epatrol::password::hash("bench-keyer-password")?;
    let mut actors = Vec::new();
    for k in 0..keyers {
        let now = epatrol::db::now();
        let badge = format!("BK{run}-{k}");
        let id = epatrol::org::directory::insert_user(
            &mut conn,
            &epatrol::org::directory::NewUser {
                badge: &badge,
                name: "壓測打字員",
                unit_id: unit.id,
                role: Role::VendorKeyer,
                vendor_id: Some(vendor.id),
                password_hash: &hash,
                created_at: now,
                updated_at: now,
            },
        )?;
        actors.push(Actor {
            user_id: Some(id),
            role: Role::VendorKeyer,
            unit_id: Some(unit.id),
            unit_path: Some(unit.path.clone()),
            vendor_id: Some(vendor.id),
            device: None,
        });
    }
    let intake = Actor::system();
    let t = Instant::now();
    for n in 0..cases {
        let input = CaseInput {
            client_id: format!("BENCH-{run}-{n:06}"),
            source: epatrol::tickets::catalog::TicketKind::Camera,
            unit_id: unit.id,
            vendor_id: Some(vendor.id),
            violation_at: Utc::now() - Duration::minutes(30 + n as i64 * 7 % 20_000),
            received_at: None,
            place: "臺南市東區東門路一段".into(),
            position: None,
            camera: Some(CameraReading {
                camera_id: "TN-CAM-BENCH".into(),
                measured_speed: None,
                speed_limit: None,
                signal_phase: None,
            }),
            plate: None,
            article_code: None,
            description: None,
            reporter: None,
        };
        epatrol::cases::intake::receive(&mut conn, &intake, &input).map_err(err)?;
    }
    drop(conn);
    println!(
        "{cases} cases taken in in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let claims = Mutex::new(Vec::new());
    // Each keyer's claims after the first: at saturation the fifty first
    // claims arrive at one instant and queue behind each other.
    let later_claims = Mutex::new(Vec::new());
    let keyings = Mutex::new(Vec::new());
    let seen = Mutex::new(HashSet::new());
    let twice = Mutex::new(0u32);
    let started = Instant::now();
    std::thread::scope(|s| {
        for (k, actor) in actors.iter().enumerate() {
            let (pool, claims, later_claims, keyings, seen, twice) =
                (&pool, &claims, &later_claims, &keyings, &seen, &twice);
            s.spawn(move || {
                let Ok(mut conn) = pool.get() else { return };
                // People sit down one after another, not at one instant.
                std::thread::sleep(think * k as u32 / keyers as u32);
                let mut first = true;
                loop {
                    let t = Instant::now();
                    let claimed = epatrol::cases::queue::claim_next(&mut conn, actor, Step::Keying);
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    let Ok(Some(case)) = claimed else { break };
                    if let Ok(mut c) = claims.lock() {
                        c.push(ms);
                    }
                    if !std::mem::take(&mut first)
                        && let Ok(mut c) = later_claims.lock()
                    {
                        c.push(ms);
                    }
                    if let Ok(mut s) = seen.lock()
                        && !s.insert(case.id)
                        && let Ok(mut t) = twice.lock()
                    {
                        *t += 1;
                    }
                    std::thread::sleep(think);
                    let plate = format!("RDA-{:04}", 1001 + (case.id.0 as usize + k) % 24);
                    let mut input = KeyingInput {
                        plate,
                        vehicle_class: VehicleClass::Car,
                        article_code: "53-1".into(),
                        violation_at: case.violation_at,
                        place: "臺南市東區東門路一段".into(),
                        facts: "行經有燈光號誌管制之交岔路口闖紅燈".into(),
                        fine: 2700,
                        make: None,
                        acknowledge: vec![],
                    };
                    let t = Instant::now();
                    let mut keyed = epatrol::cases::work::key(&mut conn, actor, case.id, &input);
                    // A keyer reads the warnings (the demo's own cases carry
                    // a camera reading that differs) and accepts them.
                    if let Err(epatrol::error::ApiError::Unacknowledged(warnings)) = &keyed {
                        input.acknowledge = warnings
                            .iter()
                            .map(|w| format!("{}:{}", w.field, w.code))
                            .collect();
                        keyed = epatrol::cases::work::key(&mut conn, actor, case.id, &input);
                    }
                    match keyed {
                        Ok(_) => {
                            if let Ok(mut v) = keyings.lock() {
                                v.push(t.elapsed().as_secs_f64() * 1000.0);
                            }
                        }
                        // A refused keying would leave the case claimed and
                        // handed back at once: stop rather than loop on it.
                        Err(e) => {
                            eprintln!("keyer {k}: case {} refused: {e}", case.id.0);
                            break;
                        }
                    }
                }
            });
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut c = claims.into_inner().unwrap_or_default();
    let mut k = keyings.into_inner().unwrap_or_default();
    let mut later = later_claims.into_inner().unwrap_or_default();
    later.sort_by(f64::total_cmp);
    c.sort_by(f64::total_cmp);
    k.sort_by(f64::total_cmp);
    println!(
        "{keyers} keyers: {} claims, {} keyings in {elapsed:.1} s ({:.0} cases/s)",
        c.len(),
        k.len(),
        k.len() as f64 / elapsed
    );
    println!(
        "claim  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        percentile(&c, 0.5),
        percentile(&c, 0.99),
        c.last().copied().unwrap_or_default()
    );
    println!(
        "claim after each keyer's first  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        percentile(&later, 0.5),
        percentile(&later, 0.99),
        later.last().copied().unwrap_or_default()
    );
    println!(
        "keying p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        percentile(&k, 0.5),
        percentile(&k, 0.99),
        k.last().copied().unwrap_or_default()
    );
    println!("claimed twice: {}", twice.into_inner().unwrap_or_default());
    Ok(())
}
