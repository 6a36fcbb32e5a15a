//! Sign-in, tokens, sessions, lockout and disabled accounts, over HTTP.
//! The journeys are in the files beside; the shared helpers here.

mod passwords;
mod sign_in;
mod tokens;

use crate::common::*;
use actix_web::http::Method;
use base64::Engine;
use epatrol::domain::Role;
use serde_json::json;

fn mint(claims: serde_json::Value, key: &[u8], kid: &str) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .unwrap()
}

async fn session_claims(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
) -> (serde_json::Value, String) {
    let token = login(srv, "O1001").await;
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    (claims, header["kid"].as_str().unwrap().to_owned())
}

fn audit_count(app: &TestApp, action: &str) -> i64 {
    use diesel::prelude::*;
    use epatrol::db::schema::audit_log;
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// Signs `header` and `claims` by hand, so the header may carry members
/// the JWT library would not write.
fn mint_raw(header: serde_json::Value, claims: &serde_json::Value, key: &[u8]) -> String {
    use hmac::Mac;
    let b64 = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    let input = format!("{}.{}", b64(&header), b64(claims));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{input}.{sig}")
}
