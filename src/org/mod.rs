//! Units (the police organisation tree), outside vendors, and user accounts.

pub mod directory;
pub mod http;
mod store;
pub mod units;
pub mod users;
pub mod vendors;

/// Unit and vendor codes: 2–32 upper-case letters, digits or hyphens.
pub fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}
