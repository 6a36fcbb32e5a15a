//! Carries out one command of the command line.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use epatrol::config::Settings;
use epatrol::domain::Actor;
use epatrol::{app, demo, org};

use super::terminal::{api, progress_bar, read_password};
use super::*;

pub fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { demo } => epatrol::server::serve(settings, demo)?,
        Command::Migrate => {
            let pool = epatrol::open_database(&settings)?;
            epatrol::tickets::catalog_store::ensure_loaded(&mut *pool.get()?).map_err(api)?;
            println!("database is up to date");
        }
        Command::Catalog(CatalogCommand::Load { file }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let catalog: epatrol::tickets::catalog::CatalogFile = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a catalog file", file.display()))?;
            let pool = epatrol::open_database(&settings)?;
            let report = epatrol::tickets::catalog_store::load(
                &mut *pool.get()?,
                &Actor::system(),
                &catalog,
            )
            .map_err(api)?;
            println!(
                "catalog loaded: {} added, {} closed, {} unchanged",
                report.added, report.closed, report.unchanged
            );
        }
        Command::Catalog(CatalogCommand::Report { on, format }) => {
            let pool = epatrol::open_database(&settings)?;
            let mut conn = pool.get()?;
            epatrol::tickets::catalog_store::ensure_loaded(&mut conn).map_err(api)?;
            let loaded = epatrol::tickets::catalog_store::everything(&mut conn).map_err(api)?;
            let today =
                on.unwrap_or_else(|| epatrol::domain::time::taiwan_date(epatrol::db::now()));
            match format {
                ReportFormat::Text => print!(
                    "{}",
                    epatrol::tickets::catalog::report::text(&loaded, today)
                ),
                ReportFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "summary": epatrol::tickets::catalog::report::summary(&loaded, today),
                        "catalog": loaded,
                    }))?
                ),
            }
        }
        Command::Simulate(SimulateCommand::Keying {
            cases,
            error_rate,
            resolver_error_rate,
            registry_density,
            camera_fields_prefilled,
            wrongly_acknowledged,
            report_wrong,
            seed,
        }) => {
            for (name, v) in [
                ("--error-rate", error_rate),
                ("--resolver-error-rate", resolver_error_rate),
                ("--registry-density", registry_density),
                ("--wrongly-acknowledged", wrongly_acknowledged),
                ("--report-wrong", report_wrong),
            ] {
                if !(0.0..=1.0).contains(&v) {
                    bail!("{name} is a chance between 0 and 1");
                }
            }
            let spec = epatrol::demo::simulate::keying::Spec {
                cases,
                field_error_rate: error_rate,
                resolver_error_rate,
                registry_density,
                camera_fields_prefilled,
                wrongly_acknowledged,
                report_wrong,
                seed,
            };
            let bar = progress_bar("cases");
            let out = epatrol::demo::simulate::keying::run(&spec, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            });
            bar.finish_and_clear();
            println!(
                "{cases} cases, {:.2}% per-field keying error, {:.2}% resolver error, registry density {:.0}%, warnings wrongly acknowledged {:.0}%, reports wrong {:.0}% per field",
                error_rate * 100.0,
                resolver_error_rate * 100.0,
                registry_density * 100.0,
                wrongly_acknowledged * 100.0,
                report_wrong * 100.0
            );
            println!(
                "{:<48} {:>8} {:>7} {:>10} {:>11} {:>7}",
                "process", "tickets", "wrong", "rate", "keys/ticket", "steps"
            );
            for o in out {
                println!(
                    "{:<48} {:>8} {:>7} {:>9.4}% {:>11.1} {:>7.2}",
                    o.process,
                    o.tickets,
                    o.wrong,
                    o.error_rate * 100.0,
                    o.keystrokes_per_ticket,
                    o.steps_per_ticket
                );
                let fields: Vec<String> = o
                    .wrong_by_field
                    .iter()
                    .map(|(f, n)| format!("{f} {n}"))
                    .collect();
                if !fields.is_empty() {
                    println!("{:<48} wrong first in: {}", "", fields.join(", "));
                }
            }
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&app::openapi())?);
        }
        Command::Seed(SeedCommand::Demo) => {
            let pool = epatrol::open_database(&settings)?;
            let mut conn = pool.get()?;
            if !demo::is_empty(&mut conn).map_err(api)? {
                bail!("the database already has units; the demo city goes only into an empty one");
            }
            let evidence = epatrol::evidence::open(&settings)?;
            demo::seed(&mut conn, evidence.as_ref()).map_err(api)?;
            println!("demo city seeded; accounts are listed in README.md");
        }
        Command::Unit(UnitCommand::Add {
            code,
            name,
            kind,
            parent,
        }) => {
            let pool = epatrol::open_database(&settings)?;
            let mut conn = pool.get()?;
            let parent_id = match parent {
                Some(code) => Some(
                    org::directory::unit_by_code(&mut conn, &code)?
                        .with_context(|| format!("no unit with code {code}"))?
                        .id,
                ),
                None => None,
            };
            let unit = org::units::create(
                &mut conn,
                &Actor::system(),
                org::units::CreateUnit {
                    code,
                    name,
                    kind,
                    parent_id,
                },
            )
            .map_err(api)?;
            println!("unit {} created with id {}", unit.code, unit.id);
        }
        Command::Vendor(VendorCommand::Add { code, name }) => {
            let pool = epatrol::open_database(&settings)?;
            let mut conn = pool.get()?;
            let vendor = org::vendors::create(
                &mut conn,
                &Actor::system(),
                org::vendors::CreateVendor { code, name },
            )
            .map_err(api)?;
            println!("vendor {} created with id {}", vendor.code, vendor.id);
        }
        Command::User(UserCommand::Add {
            badge,
            name,
            unit,
            role,
            vendor,
        }) => {
            let password = read_password()?;
            let pool = epatrol::open_database(&settings)?;
            let mut conn = pool.get()?;
            let unit_id = org::directory::unit_by_code(&mut conn, &unit)?
                .with_context(|| format!("no unit with code {unit}"))?
                .id;
            let vendor_id = match vendor {
                Some(code) => Some(
                    org::directory::vendor_by_code(&mut conn, &code)?
                        .with_context(|| format!("no vendor with code {code}"))?
                        .id,
                ),
                None => None,
            };
            let system = Actor::system();
            let prepared = org::users::prepare(
                &system,
                org::users::CreateUser {
                    badge,
                    name,
                    unit_id,
                    role,
                    vendor_id,
                    password,
                },
            )
            .map_err(api)?;
            let user = org::users::create(&mut conn, &system, prepared).map_err(api)?;
            println!("user {} created with id {}", user.badge, user.id);
        }
        Command::Import(ImportCommand::Boxes { file }) => {
            let csv =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let pool = epatrol::open_database(&settings)?;
            let bar = progress_bar("boxes");
            let report = epatrol::patrol::boxes::import_csv(
                &mut *pool.get()?,
                &Actor::system(),
                &csv,
                &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            );
            bar.finish_and_clear();
            let report = report.map_err(api)?;
            println!("{} boxes imported", report.imported);
        }
        Command::Import(ImportCommand::Registry { file }) => {
            let csv =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let pool = epatrol::open_database(&settings)?;
            let bar = progress_bar("vehicles");
            let report = epatrol::registry::import::import_csv(
                &mut *pool.get()?,
                &Actor::system(),
                &csv,
                &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            );
            bar.finish_and_clear();
            println!("{} vehicles imported", report.map_err(api)?.imported);
        }
        Command::Import(ImportCommand::Cases { file }) => {
            let csv =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
            let pool = epatrol::open_database(&settings)?;
            let evidence = epatrol::evidence::open(&settings)?;
            let bar = progress_bar("cases");
            let imported = epatrol::cases::import::import_csv(
                &mut *pool.get()?,
                evidence.as_ref(),
                &Actor::system(),
                &csv,
                &base,
                &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            );
            bar.finish_and_clear();
            println!("{} cases imported", imported.map_err(api)?);
        }
        Command::Keys(KeysCommand::RotateBoxCode) => {
            let pool = epatrol::open_database(&settings)?;
            let version =
                epatrol::patrol::keys::rotate(&mut *pool.get()?, &Actor::system()).map_err(api)?;
            println!(
                "box-code key version {version} is now current; reprint stickers, then retire the old version"
            );
        }
        Command::Keys(KeysCommand::RetireBoxCode { version }) => {
            let pool = epatrol::open_database(&settings)?;
            epatrol::patrol::keys::retire(&mut *pool.get()?, &Actor::system(), version)
                .map_err(api)?;
            println!("box-code key version {version} retired: its stickers no longer work");
        }
        Command::Generate(GenerateCommand::Tickets { count, year }) => {
            let pool = epatrol::open_database(&settings)?;
            let bar = progress_bar("tickets");
            let made = epatrol::tickets::generate::tickets(
                &mut *pool.get()?,
                &settings.ticket_prefix,
                count,
                year,
                &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            );
            bar.finish_and_clear();
            println!("{} tickets written", made.map_err(api)?);
        }
        Command::Generate(GenerateCommand::PatrolHistory {
            days,
            boxes_per_station,
            officers_per_station,
            visit_rate,
        }) => {
            let pool = epatrol::open_database(&settings)?;
            let mut conn = pool.get()?;
            let spec = epatrol::patrol::generate::Spec {
                days,
                boxes_per_station,
                officers_per_station,
                visit_rate,
            };
            let bar = indicatif::ProgressBar::new(u64::from(days));
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} day {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let total =
                epatrol::patrol::generate::patrol_history(&mut conn, &spec, &|day, rows| {
                    bar.set_position(day);
                    bar.set_message(format!("{rows} check-ins"));
                })
                .map_err(api)?;
            bar.finish_and_clear();
            println!("{total} check-ins generated");
        }
        Command::Audit(AuditCommand::Checkpoint) => {
            let pool = epatrol::open_database(&settings)?;
            let path = settings.data_dir.join(epatrol::audit::checkpoint::FILE);
            match epatrol::audit::checkpoint::write(&mut *pool.get()?, &path)? {
                Some(c) => println!("checkpoint at seq {}: {}", c.seq, c.hash),
                None => println!("the head has not moved since the last checkpoint"),
            }
        }
        Command::Audit(AuditCommand::Verify) => {
            // Verifying writes nothing, least of all a key of its own.
            let pool = epatrol::open_database_read_only(&settings)?;
            let checkpoints = settings.data_dir.join(epatrol::audit::checkpoint::FILE);
            let report = epatrol::audit::verify(&mut *pool.get()?, &checkpoints)?;
            match report.first_break {
                None => println!(
                    "audit chain intact: {} entries, {} checkpoints matched",
                    report.checked, report.checkpoints_checked
                ),
                Some(b) => {
                    println!(
                        "audit chain BROKEN at seq {} ({}); {} entries before it verified",
                        b.seq, b.reason, report.checked
                    );
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
