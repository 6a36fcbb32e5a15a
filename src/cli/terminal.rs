//! What the command line shows and asks at the terminal.

use std::io::IsTerminal;

use anyhow::bail;

/// A progress bar for an import of `what`.
pub fn progress_bar(what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what}"))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Turns a service error into a message for the terminal, listing bad fields.
pub fn api(err: epatrol::error::ApiError) -> anyhow::Error {
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

pub fn read_password() -> anyhow::Result<String> {
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
