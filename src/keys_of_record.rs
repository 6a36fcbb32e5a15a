//! The keys a database was written with. Tokens, box-code stickers and
//! ticket QR codes, and the audit chain are signed with three keys; data
//! written with one key does not verify with another. A node started with a
//! data dir that lacks the secrets, pointed at an existing database, would
//! otherwise make new ones and silently stop verifying every sticker and
//! ticket in the city.
//!
//! So the database records a fingerprint of each key (an HMAC of a fixed
//! label under the key: it says whether two keys are the same and nothing
//! about either). At start-up a key that does not match its fingerprint,
//! or a key about to be generated for a database that already holds data,
//! stops the start with a message naming the variable to set.

use anyhow::{Context, bail};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::{Secret, Settings};
use crate::db::schema::{key_fingerprints, users};
use crate::db::{DbConn, LiteralLimitDsl};

/// One of the keys: its name in the database, the variable that sets it,
/// and its file in the data dir.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub name: &'static str,
    pub variable: &'static str,
    pub file: &'static str,
}

pub const TOKEN_KEY: KeySpec = KeySpec {
    name: "token",
    variable: "EPATROL_JWT_SECRET",
    file: "jwt-secret",
};
pub const BOX_CODE_KEY: KeySpec = KeySpec {
    name: "box_code",
    variable: "EPATROL_BOX_CODE_SECRET",
    file: "box-code-secret",
};
pub const AUDIT_KEY: KeySpec = KeySpec {
    name: "audit",
    variable: "EPATROL_AUDIT_KEY",
    file: "audit-key",
};

/// What loading may do besides reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Serving and administering: a key may be generated for an empty
    /// database, and a key's fingerprint is recorded the first time.
    Serve,
    /// Reading only (`audit verify`): nothing is generated or recorded.
    ReadOnly,
}

/// The fingerprint of `secret` as `spec`'s key.
pub fn fingerprint(spec: &KeySpec, secret: &Secret) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose()) else {
        return String::new();
    };
    mac.update(format!("epatrol key fingerprint: {}", spec.name).as_bytes());
    hex::encode(mac.finalize().into_bytes().get(..16).unwrap_or_default())
}

fn configured<'s>(settings: &'s Settings, spec: &KeySpec) -> Option<&'s Secret> {
    match spec.name {
        "token" => settings.jwt_secret.as_ref(),
        "box_code" => settings.box_code_secret.as_ref(),
        "audit" => settings.audit_key.as_ref(),
        _ => None,
    }
}

/// The key `spec`, from its variable or its file in the data dir, checked
/// against the fingerprint the database holds.
pub fn load(
    conn: &mut DbConn,
    settings: &Settings,
    spec: &KeySpec,
    mode: Mode,
) -> anyhow::Result<Secret> {
    let path = settings.data_dir.join(spec.file);
    let recorded = recorded(conn, spec)?;
    let secret = match configured(settings, spec) {
        Some(secret) => secret.clone(),
        None if path.exists() => crate::secrets::load_or_create(&path)?,
        None => {
            if mode == Mode::ReadOnly {
                bail!(
                    "{}: no key is set, and there is none in {}: set {} to the key the database was written with",
                    spec.variable,
                    path.display(),
                    spec.variable
                );
            }
            if recorded.is_some() || holds_data(conn)? {
                bail!(
                    "{}: the database already holds data signed with a key, but no key is set and there is none in {}; \
                     set {} to the key the other nodes use (a new key would make what was signed stop verifying)",
                    spec.variable,
                    path.display(),
                    spec.variable
                );
            }
            crate::secrets::load_or_create(&path)?
        }
    };
    let mine = fingerprint(spec, &secret);
    let known = match (recorded, mode) {
        (Some(known), _) => known,
        (None, Mode::ReadOnly) => return Ok(secret),
        (None, Mode::Serve) => record(conn, spec, &mine)?,
    };
    if known != mine {
        bail!(
            "{}: this key is not the one the database was written with (fingerprint {mine}, the database knows {known}); \
             set {} to the key the other nodes use",
            spec.variable,
            spec.variable
        );
    }
    Ok(secret)
}

fn recorded(conn: &mut DbConn, spec: &KeySpec) -> anyhow::Result<Option<String>> {
    let known: Option<String> = key_fingerprints::table
        .find(spec.name)
        .select(key_fingerprints::fingerprint)
        .first_row(conn)
        .optional()
        .context("reading the keys' fingerprints")?;
    Ok(known)
}

/// Records `fingerprint` unless another node recorded one first; the one
/// the database keeps.
fn record(conn: &mut DbConn, spec: &KeySpec, fingerprint: &str) -> anyhow::Result<String> {
    let row = (
        key_fingerprints::name.eq(spec.name),
        key_fingerprints::fingerprint.eq(fingerprint),
        key_fingerprints::recorded_at.eq(crate::db::now()),
    );
    crate::each_backend!(conn, |c| diesel::insert_into(key_fingerprints::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))
    .context("recording a key's fingerprint")?;
    recorded(conn, spec)?.context("a key's fingerprint was not kept")
}

/// Whether anything was written with keys: an account exists.
fn holds_data(conn: &mut DbConn) -> anyhow::Result<bool> {
    let any: Option<i64> = users::table
        .select(users::id)
        .first_row(conn)
        .optional()
        .context("looking for accounts")?;
    Ok(any.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_tells_keys_apart_and_names_apart() {
        let a = Secret::new(vec![1; 64]);
        let b = Secret::new(vec![2; 64]);
        assert_eq!(fingerprint(&TOKEN_KEY, &a), fingerprint(&TOKEN_KEY, &a));
        assert_ne!(fingerprint(&TOKEN_KEY, &a), fingerprint(&TOKEN_KEY, &b));
        assert_ne!(fingerprint(&TOKEN_KEY, &a), fingerprint(&AUDIT_KEY, &a));
        assert_eq!(fingerprint(&TOKEN_KEY, &a).len(), 32);
    }
}
