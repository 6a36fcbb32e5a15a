//! The `epatrol` command line: serve, migrate, administer, seed, verify.

use std::process::ExitCode;

use clap::Parser;

use epatrol::config::Settings;
use epatrol::telemetry;

mod cli;

use cli::{Cli, run::run};

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
