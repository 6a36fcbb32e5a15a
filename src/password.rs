//! Password hashing with argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1).
//! Hashing is slow on purpose: call these off the async workers.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};

use crate::error::FieldErrors;

fn hasher() -> Argon2<'static> {
    // Constant parameters that are known to be valid.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Whether `password` matches `stored`. A damaged stored hash does not match.
pub fn verify(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the badge does not exist, so that the time
/// an answer takes does not tell which badges exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("not-a-real-password-0000").unwrap_or_default())
}

/// Commonly used passwords long enough to pass the length rule
/// (`assets/passwords/common.txt`), lower-case.
fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../assets/passwords/common.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// Password rules after NIST SP 800-63B: 10 to 128 characters, no
/// composition rules, but not one character repeated and not a commonly
/// used password.
pub fn check_policy(password: &str, field: &str, errors: &mut FieldErrors) {
    let n = password.chars().count();
    if n < 10 {
        errors.add(field, "too_short", "a password has at least 10 characters");
    } else if n > 128 {
        errors.add(field, "too_long", "a password has at most 128 characters");
    } else if password.chars().all(|c| password.starts_with(c)) {
        errors.add(
            field,
            "too_weak",
            "a password is not one character repeated",
        );
    } else if common_passwords().contains(password.trim().to_lowercase().as_str()) {
        errors.add(
            field,
            "too_common",
            "this password is among the most commonly used; choose another",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(&h, "correct horse battery"));
        assert!(!verify(&h, "wrong horse battery"));
        assert!(!verify("garbage", "correct horse battery"));
    }

    #[test]
    fn policy() {
        let mut e = FieldErrors::new();
        check_policy("short", "password", &mut e);
        check_policy("aaaaaaaaaaaa", "password", &mut e);
        assert!(!e.is_empty());
        let mut ok = FieldErrors::new();
        check_policy("a good long passphrase", "password", &mut ok);
        assert!(ok.is_empty());
        for common in ["1234567890", "Password123", "1qaz2wsx3edc", "police12345"] {
            let mut e = FieldErrors::new();
            check_policy(common, "password", &mut e);
            assert!(!e.is_empty(), "{common} accepted");
        }
    }
}
