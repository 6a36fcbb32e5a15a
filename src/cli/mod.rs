//! The command line's grammar: every subcommand and its arguments.

pub mod run;
mod terminal;

use clap::{Parser, Subcommand};

use epatrol::domain::{Role, UnitKind};

#[derive(Parser)]
#[command(
    name = "epatrol",
    version,
    about = "Backend for police handhelds: patrol sign-in, electronic tickets, outsourced ticket processing."
)]
#[command(after_help = "Settings come from EPATROL_* environment variables; see README.md.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Simulations that show what the workflow achieves.
    #[command(subcommand)]
    Simulate(SimulateCommand),
    /// Print the OpenAPI document of this build.
    Openapi,
}

#[derive(Subcommand)]
pub enum SimulateCommand {
    /// One keying, two verifications: the error rate of issued tickets
    /// under single keying, keying + blind verification, that plus the
    /// registry check, and that plus the warning of the case's own record
    /// at keying (the camera's; a citizen's report), with simulated people
    /// who make realistic mistakes.
    Keying {
        #[arg(long, default_value_t = 100_000)]
        cases: u32,
        /// Chance that a keyer or verifier gets one field wrong.
        #[arg(long, default_value_t = 0.01)]
        error_rate: f64,
        /// Chance that the third person gets a field wrong when settling.
        #[arg(long, default_value_t = 0.001)]
        resolver_error_rate: f64,
        /// Share of plates registered to some vehicle.
        #[arg(long, default_value_t = 0.12)]
        registry_density: f64,
        /// Camera cases' time and article come from the camera's record
        /// instead of being keyed.
        #[arg(long)]
        camera_fields_prefilled: bool,
        /// Chance that a keyer warned that the keying differs from the
        /// camera's record acknowledges it instead of looking again.
        #[arg(long, default_value_t = 0.25)]
        wrongly_acknowledged: f64,
        /// Chance that a citizen's report states the time, or the article,
        /// wrong: a right keying is then warned for nothing.
        #[arg(long, default_value_t = 0.1)]
        report_wrong: f64,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
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
        /// officer, supervisor, admin, vendor_keyer, vendor_verifier or
        /// vendor_supervisor.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Vendor code, for vendor roles.
        #[arg(long)]
        vendor: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum UnitCommand {
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
pub enum VendorCommand {
    /// Register a vendor.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum SeedCommand {
    /// Seed the demo city (Tainan, 16 precincts) into an empty database.
    Demo,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the chain and compare it with the signed checkpoints in the data
    /// dir; exit 1 and name the first broken link if any.
    Verify,
    /// Write a signed checkpoint of the chain's head now (the server writes
    /// one every EPATROL_AUDIT_CHECKPOINT_SECS while the head moves).
    Checkpoint,
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import patrol boxes from CSV with the columns
    /// code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs.
    /// Every bad row is reported; if any row is bad nothing is imported.
    Boxes {
        /// The CSV file (UTF-8).
        file: std::path::PathBuf,
    },
    /// Import a vehicle registry extract from CSV with the columns
    /// plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from.
    /// Every bad row is reported; if any row is bad nothing is imported.
    Registry {
        /// The CSV file (UTF-8).
        file: std::path::PathBuf,
    },
    /// Import camera cases and citizen reports from CSV with the columns
    /// client_id,source,unit_code,vendor_code,violation_at,received_at,place,
    /// lat,lon,camera_id,measured_speed,speed_limit,signal_phase,plate,
    /// article_code,description,reporter_name,reporter_contact,evidence
    /// (evidence: files beside the CSV, separated by ';'). Every bad row
    /// is reported; if any row is bad nothing is imported.
    Cases {
        /// The CSV file (UTF-8).
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Load catalog versions from a JSON file (the format of
    /// assets/catalog/violations.json): new versions are added, open ones may
    /// be closed with an end date, loaded versions are never rewritten.
    Load { file: std::path::PathBuf },
    /// Every loaded version with its status (confirmed / unconfirmed), the
    /// amendment that made it, its sources and the words relied on; the
    /// citizen-report lists, the timing rules, and what is still missing.
    Report {
        /// The day whose versions count as in force (default: today, Taiwan).
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        /// `text` for people, `json` for tools.
        #[arg(long, default_value = "text")]
        format: ReportFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum KeysCommand {
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
pub enum GenerateCommand {
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
    /// Fill the demo city with a year of tickets (about 1.5 million for a
    /// city), with the few corrections and voids a city sees.
    Tickets {
        #[arg(long, default_value_t = 1_500_000)]
        count: u32,
        /// The Taiwan year they were issued in.
        #[arg(long, default_value_t = 2025)]
        year: i32,
    },
}

pub fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("expected one of {}", all.join(", "))
    })
}

pub fn parse_kind(s: &str) -> Result<UnitKind, String> {
    UnitKind::parse(s).ok_or_else(|| "expected bureau, precinct, station or brigade".into())
}
