//! Password hashing with argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1).
//! Hashing is slow on purpose: call these off the async workers.
//!
//! Verifying (every sign-in) runs in working memory kept for it, one
//! 19 MiB workspace per core, at most as many at once as there are cores.
//! Left to the allocator, a burst of sign-ins (a shift's handhelds signing
//! in again when their tokens expire) took 19 MiB each at once and the
//! allocator kept it all: 120 MB resident became 463 MB, for good.

use std::collections::HashSet;
use std::sync::{Condvar, Mutex, OnceLock};

use argon2::password_hash::{Output, PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};

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
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    let hashed = with_workspace(blocks, |memory| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
    });
    // `Output` compares in constant time.
    hashed.is_ok() && Output::new(&out).is_ok_and(|o| o == expected)
}

/// The workspaces kept for verifying, and how many exist.
struct Workspaces {
    free: Mutex<(Vec<Vec<Block>>, usize)>,
    returned: Condvar,
}

fn workspaces() -> &'static Workspaces {
    static POOL: OnceLock<Workspaces> = OnceLock::new();
    POOL.get_or_init(|| Workspaces {
        free: Mutex::new((Vec::new(), 0)),
        returned: Condvar::new(),
    })
}

/// Runs `f` in a kept workspace of `blocks` blocks, waiting for one while
/// every core is hashing. A stored hash of other parameters (none are
/// made here) gets memory of its own.
fn with_workspace<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    let Some(mut kept) = take_workspace() else {
        return f(&mut vec![Block::new(); blocks]);
    };
    let result = if kept.len() == blocks {
        f(&mut kept)
    } else {
        f(&mut vec![Block::new(); blocks])
    };
    let pool = workspaces();
    if let Ok(mut free) = pool.free.lock() {
        free.0.push(kept);
    }
    pool.returned.notify_one();
    result
}

/// A free workspace, a new one while fewer than one per core exist, or
/// the next returned; `None` only if the pool's lock is poisoned.
fn take_workspace() -> Option<Vec<Block>> {
    let most = std::thread::available_parallelism().map_or(2, |n| n.get());
    let pool = workspaces();
    let mut free = pool.free.lock().ok()?;
    loop {
        if let Some(w) = free.0.pop() {
            return Some(w);
        }
        if free.1 < most {
            free.1 += 1;
            return Some(vec![Block::new(); hasher().params().block_count()]);
        }
        free = pool.returned.wait(free).ok()?;
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
    fn many_sign_ins_at_once_all_verify_in_the_kept_workspaces() {
        let h = hash("correct horse battery").unwrap();
        let answers: Vec<(bool, bool)> = std::thread::scope(|s| {
            let h = &h;
            let threads: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(move || {
                        (
                            verify(h, "correct horse battery"),
                            verify(h, "wrong horse battery"),
                        )
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert!(answers.iter().all(|&a| a == (true, false)), "{answers:?}");
        let made = workspaces().free.lock().unwrap().1;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert!(
            (1..=cores).contains(&made),
            "{made} workspaces for {cores} cores"
        );
    }

    #[test]
    fn a_hash_of_other_parameters_still_verifies() {
        let params = Params::new(1024, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"another horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(verify(&other, "another horse battery"));
        assert!(!verify(&other, "another horse batterY"));
        assert!(!verify("$argon2id$v=19$m=1024,t=1,p=1$bm90YXNhbHQ$", "x"));
    }

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
