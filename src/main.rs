//! The `epatrol` command line: serve, migrate, administer, seed, verify.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use epatrol::config::Settings;
use epatrol::domain::{Actor, Role, UnitKind};
use epatrol::{app, org, seed, telemetry};

#[derive(Parser)]
#[command(
    name = "epatrol",
    version,
    about = "Backend for police handhelds: patrol sign-in, electronic tickets, outsourced ticket processing."
)]
#[command(after_help = "Settings come from EPATROL_* environment variables; see README.md.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (creates and migrates the database first).
    Serve {
        /// Seed the demo city if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage units.
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Manage outside vendors.
    #[command(subcommand)]
    Vendor(VendorCommand),
    /// Seed data.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Inspect the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Bulk imports.
    #[command(subcommand)]
    Import(ImportCommand),
    /// The violation catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Signing keys of patrol box codes.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Generate synthetic history for benchmarks.
    #[command(subcommand)]
    Generate(GenerateCommand),
    /// Print the OpenAPI document of this build.
    Openapi,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password comes from EPATROL_PASSWORD or a prompt, never a flag.
    Add {
        /// Badge number, e.g. O0113.
        #[arg(long)]
        badge: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Code of the unit, e.g. P01-S1.
        #[arg(long)]
        unit: String,
        /// officer, supervisor, admin, vendor_keyer or vendor_verifier.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Vendor code, for vendor roles.
        #[arg(long)]
        vendor: Option<String>,
    },
}

#[derive(Subcommand)]
enum UnitCommand {
    /// Create a unit.
    Add {
        /// Short code, e.g. P01-S4.
        #[arg(long)]
        code: String,
        /// Name, e.g. 東寧派出所.
        #[arg(long)]
        name: String,
        /// bureau, precinct, station or brigade.
        #[arg(long, value_parser = parse_kind)]
        kind: UnitKind,
        /// Code of the parent unit (not for a bureau).
        #[arg(long)]
        parent: Option<String>,
    },
}

#[derive(Subcommand)]
enum VendorCommand {
    /// Register a vendor.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// Seed the demo city (Tainan, 16 precincts) into an empty database.
    Demo,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the chain and compare it with the signed checkpoints in the data
    /// dir; exit 1 and name the first broken link if any.
    Verify,
    /// Write a signed checkpoint of the chain's head now (the server writes
    /// one every EPATROL_AUDIT_CHECKPOINT_SECS while the head moves).
    Checkpoint,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import patrol boxes from CSV with the columns
    /// code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs.
    /// Every bad row is reported; if any row is bad nothing is imported.
    Boxes {
        /// The CSV file (UTF-8).
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Load catalog versions from a JSON file (the format of
    /// assets/catalog/violations.json): new versions are added, open ones may
    /// be closed with an end date, loaded versions are never rewritten.
    Load { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Start a new key version for box codes; stickers printed from now on use it,
    /// stickers already on boxes keep working until their version is retired.
    RotateBoxCode,
    /// Retire a key version: stickers signed with it stop working.
    RetireBoxCode {
        #[arg(long)]
        version: i32,
    },
}

#[derive(Subcommand)]
enum GenerateCommand {
    /// Fill the demo city with months of patrol history: boxes, officers and
    /// plans for every station, and the check-ins of each window.
    PatrolHistory {
        /// Days of history, ending yesterday.
        #[arg(long, default_value_t = 182)]
        days: u32,
        #[arg(long, default_value_t = 25)]
        boxes_per_station: u32,
        #[arg(long, default_value_t = 20)]
        officers_per_station: u32,
        /// Share of owed visits that were made.
        #[arg(long, default_value_t = 0.95)]
        visit_rate: f64,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("expected one of {}", all.join(", "))
    })
}

fn parse_kind(s: &str) -> Result<UnitKind, String> {
    UnitKind::parse(s).ok_or_else(|| "expected bureau, precinct, station or brigade".into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init_logging(&settings.log_filter, settings.log_format);
    match run(cli.command, settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { demo } => serve(settings, demo)?,
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
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&app::openapi())?);
        }
        Command::Seed(SeedCommand::Demo) => {
            let pool = epatrol::open_database(&settings)?;
            let mut conn = pool.get()?;
            if !seed::is_empty(&mut conn).map_err(api)? {
                bail!("the database already has units; the demo city goes only into an empty one");
            }
            seed::demo(&mut conn).map_err(api)?;
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
                    org::store::unit_by_code(&mut conn, &code)?
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
            let unit_id = org::store::unit_by_code(&mut conn, &unit)?
                .with_context(|| format!("no unit with code {unit}"))?
                .id;
            let vendor_id = match vendor {
                Some(code) => Some(
                    org::store::vendor_by_code(&mut conn, &code)?
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
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} boxes")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
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
            let pool = epatrol::open_database(&settings)?;
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

/// Turns a service error into a message for the terminal, listing bad fields.
fn api(err: epatrol::error::ApiError) -> anyhow::Error {
    let problem = err.to_problem();
    let mut msg = format!("{}: {}", problem.code, problem.detail.unwrap_or_default());
    for e in problem.errors {
        msg.push_str(&format!("\n  {}: {} ({})", e.field, e.message, e.code));
    }
    if let epatrol::error::ApiError::Internal(cause) = err {
        msg.push_str(&format!("\n  cause: {cause:#}"));
    }
    anyhow::anyhow!(msg)
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("EPATROL_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("set EPATROL_PASSWORD or run in a terminal to be asked for the password");
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat password: ")?;
    if first != second {
        bail!("the passwords differ");
    }
    Ok(first)
}

/// Writes a signed checkpoint of the audit chain's head every interval
/// while the head moves, from a thread of its own.
fn spawn_audit_checkpoints(state: &epatrol::state::AppState) {
    let pool = state.pool.clone();
    let path = state
        .settings
        .data_dir
        .join(epatrol::audit::checkpoint::FILE);
    let interval = state.settings.audit_checkpoint_interval;
    std::thread::spawn(move || {
        loop {
            let written = pool
                .get()
                .map_err(anyhow::Error::from)
                .and_then(|mut c| epatrol::audit::checkpoint::write(&mut c, &path));
            if let Err(e) = written {
                tracing::warn!(error = %format!("{e:#}"), "audit checkpoint not written");
            }
            std::thread::sleep(interval);
        }
    });
}

fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    settings.check_for_serving(demo)?;
    let bind = settings.bind.clone();
    let workers = settings.workers;
    let state = epatrol::init_state(settings)?;
    if demo {
        let mut conn = state.pool.get()?;
        if seed::is_empty(&mut conn).map_err(api)? {
            seed::demo(&mut conn).map_err(api)?;
            tracing::info!(
                "demo city seeded; sign in as O0111 / {}",
                seed::DEMO_PASSWORD
            );
        }
    }
    spawn_audit_checkpoints(&state);
    tracing::info!(bind = %bind, "listening");
    let metrics_bind = state.settings.metrics_bind.clone();
    actix_web::rt::System::new().block_on(async move {
        if let Some(metrics_bind) = metrics_bind {
            let metrics = actix_web::HttpServer::new(|| {
                actix_web::App::new().route(
                    "/metrics",
                    actix_web::web::get().to(|| async { epatrol::ops::metrics_text() }),
                )
            })
            .workers(1)
            .bind(&metrics_bind)
            .with_context(|| format!("binding {metrics_bind} (EPATROL_METRICS_BIND)"))?
            .run();
            actix_web::rt::spawn(metrics);
        }
        actix_web::HttpServer::new(move || app::build(state.clone()))
            .workers(workers)
            .bind(&bind)
            .with_context(|| format!("binding {bind} (EPATROL_BIND)"))?
            .run()
            .await
            .context("server")
    })
}
