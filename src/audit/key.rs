//! The audit key: it lives outside the database (`EPATROL_AUDIT_KEY`, or
//! `audit-key` in the data dir), like the token secret, so someone who can
//! write to the database can neither recompute the chain after an edit nor
//! forge a checkpoint of its head.
//!
//! One key per process, installed when the database is opened: every
//! transaction of the process appends with it, wherever it is called from.

use std::sync::{Arc, RwLock};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::signing::hmac_with;

use crate::config::Secret;

/// Keys derived from the audit secret, one per use.
pub struct AuditKey {
    /// The chain's HMAC with its key already taken in, cloned for each
    /// link: a batch of check-ins makes a thousand links.
    chain: Hmac<Sha256>,
    checkpoint: Vec<u8>,
    id: String,
}

impl AuditKey {
    pub fn from_secret(secret: &Secret) -> Self {
        let derive = |label: &[u8]| {
            let mut mac = hmac_with(secret.expose());
            mac.update(label);
            mac.finalize().into_bytes().to_vec()
        };
        let chain = derive(b"epatrol audit chain v1");
        let digest = Sha256::digest(&chain);
        let id = hex::encode(digest.get(..8).unwrap_or_default());
        AuditKey {
            checkpoint: derive(b"epatrol audit checkpoint v1"),
            chain: hmac_with(&chain),
            id,
        }
    }

    /// Stored with each entry, so a verifier knows which key made it.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn chain_mac(&self) -> Hmac<Sha256> {
        self.chain.clone()
    }

    pub fn checkpoint_mac(&self) -> Hmac<Sha256> {
        hmac_with(&self.checkpoint)
    }
}

static KEY: RwLock<Option<Arc<AuditKey>>> = RwLock::new(None);

/// Makes `secret` (checked against the database: `keys_of_record`) this
/// process's audit key.
pub fn install(secret: &Secret) {
    let key = Arc::new(AuditKey::from_secret(secret));
    *KEY.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key);
}

/// The process's audit key; `None` before [`install`], and then nothing
/// can be appended: the log fails closed.
pub fn current() -> Option<Arc<AuditKey>> {
    KEY.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}
