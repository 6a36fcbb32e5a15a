//! Value types used across capabilities, parsed once at the edge and trusted
//! afterwards.

mod actor;
mod ids;
mod role;
pub mod time;

pub use actor::Actor;
pub use ids::{BoxId, CaseId, CheckinId, PlanId, TicketId, UnitId, UserId, VendorId};
pub use role::{Role, UnitKind};

use crate::error::FieldErrors;

/// A badge number (警員編號): letters and digits, 3–16 characters, kept
/// upper-case so `a0001` and `A0001` are the same account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge(String);

impl Badge {
    pub fn parse(raw: &str) -> Result<Badge, &'static str> {
        let badge = raw.trim().to_ascii_uppercase();
        if badge.is_empty() {
            return Err("required");
        }
        if badge.len() < 3 || badge.len() > 16 {
            return Err("length");
        }
        if !badge.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err("charset");
        }
        Ok(Badge(badge))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses into `errors` under `field`, for validators that report all
    /// fields at once.
    pub fn parse_into(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<Badge> {
        match Badge::parse(raw) {
            Ok(b) => Some(b),
            Err(code) => {
                errors.add(
                    field,
                    code,
                    "a badge number is 3–16 letters, digits or hyphens",
                );
                None
            }
        }
    }
}

/// A person's display name: 1–64 characters after trimming, no control characters.
pub fn parse_name(raw: &str, field: &str, errors: &mut FieldErrors) -> Option<String> {
    let name = raw.trim();
    if name.is_empty() {
        errors.add(field, "required", "must not be empty");
        None
    } else if name.chars().count() > 64 {
        errors.add(field, "too_long", "at most 64 characters");
        None
    } else if name.chars().any(char::is_control) {
        errors.add(field, "charset", "must not contain control characters");
        None
    } else {
        Some(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_are_normalised_and_checked() {
        assert_eq!(Badge::parse(" a0001 ").unwrap().as_str(), "A0001");
        assert_eq!(Badge::parse(""), Err("required"));
        assert_eq!(Badge::parse("AB"), Err("length"));
        assert_eq!(Badge::parse("A0001'--"), Err("charset"));
        assert_eq!(Badge::parse("警員001"), Err("charset"));
    }

    #[test]
    fn names_reject_empty_long_and_control() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            parse_name(" 王小明 ", "name", &mut errors).as_deref(),
            Some("王小明")
        );
        assert!(parse_name("  ", "name", &mut errors).is_none());
        assert!(parse_name(&"長".repeat(65), "name", &mut errors).is_none());
        assert!(parse_name("a\u{0}b", "name", &mut errors).is_none());
        assert!(!errors.is_empty());
    }
}
