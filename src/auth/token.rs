//! Access tokens (short-lived JWTs) and refresh tokens (opaque, stored hashed).

use anyhow::Context;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Secret;
use crate::domain::{Role, UnitId, UserId};

pub const ISSUER: &str = "epatrol";
pub const AUDIENCE: &str = "epatrol-api";
/// Purpose of a token, so a token minted for something else is never taken
/// as an access token.
const ACCESS_PURPOSE: &str = "access";
/// Clock difference tolerated between nodes, in seconds.
const LEEWAY_SECS: u64 = 30;

/// Whether the token's protected header has a `crit` member.
fn has_crit_header(token: &str) -> bool {
    let Some(segment) = token.split('.').next() else {
        return true;
    };
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(segment) else {
        return true;
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(header)) => header.contains_key("crit"),
        _ => true,
    }
}

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// User id.
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    /// Sign-in session; logging out revokes it and so this token.
    pub sid: String,
    pub role: Role,
    pub unit: UnitId,
    pub purpose: String,
}

/// The key that signs and checks access tokens (HS256), with its id.
pub struct TokenKeys {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn from_secret(secret: &Secret) -> Self {
        let digest = Sha256::digest(secret.expose());
        let kid = hex::encode(digest.get(..8).unwrap_or_default());
        TokenKeys {
            kid,
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn issue(
        &self,
        user: UserId,
        role: Role,
        unit: UnitId,
        session_id: &str,
        ttl: std::time::Duration,
    ) -> anyhow::Result<(String, AccessClaims)> {
        let now = chrono::Utc::now().timestamp();
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user.0.to_string(),
            exp: now + ttl.as_secs() as i64,
            nbf: now,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: session_id.to_owned(),
            role,
            unit,
            purpose: ACCESS_PURPOSE.into(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.encoding)
            .context("signing access token")?;
        Ok((token, claims))
    }

    /// Checks signature, algorithm (pinned: `none` and others are refused),
    /// key id, issuer, audience, expiry, not-before and purpose.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != Algorithm::HS256 || header.kid.as_deref() != Some(self.kid.as_str()) {
            return Err(TokenError::Invalid);
        }
        // RFC 7515 §4.1.11: a token naming critical extensions the
        // recipient does not understand must be refused. We understand none.
        if has_crit_header(token) {
            return Err(TokenError::Invalid);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        if data.claims.purpose != ACCESS_PURPOSE {
            return Err(TokenError::Invalid);
        }
        // Issued in the future: not a token this server made.
        if data.claims.iat > chrono::Utc::now().timestamp() + LEEWAY_SECS as i64 {
            return Err(TokenError::Invalid);
        }
        Ok(data.claims)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("invalid token")]
    Invalid,
    #[error("expired token")]
    Expired,
}

/// A new opaque refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a refresh token: a theft of the table yields
/// nothing usable.
pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn keys(byte: u8) -> TokenKeys {
        TokenKeys::from_secret(&Secret::new(vec![byte; 32]))
    }

    #[test]
    fn a_token_round_trips() {
        let k = keys(1);
        let (token, claims) = k
            .issue(
                UserId(5),
                Role::Officer,
                UnitId(3),
                "s1",
                Duration::from_secs(900),
            )
            .unwrap();
        assert_eq!(k.verify(&token).unwrap(), claims);
    }

    #[test]
    fn a_token_from_another_key_is_refused() {
        let (token, _) = keys(1)
            .issue(
                UserId(5),
                Role::Admin,
                UnitId(3),
                "s1",
                Duration::from_secs(900),
            )
            .unwrap();
        assert_eq!(keys(2).verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn alg_none_is_refused() {
        let k = keys(1);
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let header = b64(&format!(
            r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#,
            k.kid()
        ));
        let now = chrono::Utc::now().timestamp();
        let body = b64(&format!(
            r#"{{"iss":"epatrol","aud":"epatrol-api","sub":"1","exp":{},"nbf":{now},"iat":{now},"jti":"x","sid":"s","role":"admin","unit":1,"purpose":"access"}}"#,
            now + 600
        ));
        let token = format!("{header}.{body}.");
        assert!(k.verify(&token).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), a);
    }
}
