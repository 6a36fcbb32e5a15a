//! Public verification of a printed ticket.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiResult, Problem};
use crate::state::AppState;
use crate::tickets::verify::{self, Verification};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// Version of the ticket the QR code was printed for.
    pub v: i32,
    /// The signature printed in the QR code.
    pub sig: String,
}

/// Public verification of a printed ticket (no sign-in): genuine or not,
/// and its status, with nothing personal. Browsers get a page, others JSON.
#[utoipa::path(
    tag = "tickets",
    params(("number" = String, Path, description = "Ticket number"), VerifyQuery),
    responses(
        (status = 200, description = "The verdict", content(
            (Verification = "application/json"),
            (String = "text/html"),
        )),
        (status = 429, description = "Too many lookups from this address (`rate_limited`); see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/verify/{number}")]
pub async fn verify_ticket(
    state: web::Data<AppState>,
    req: HttpRequest,
    number: web::Path<String>,
    query: web::Query<VerifyQuery>,
) -> ApiResult<HttpResponse> {
    state.limits.check(crate::ratelimit::Door::Verify, &req)?;
    let number = number.into_inner().trim().to_ascii_uppercase();
    let q = query.into_inner();
    if number.len() > 32 || q.sig.len() > 64 {
        return Err(crate::error::ApiError::bad_request(
            "malformed_query",
            "not a verification link",
        ));
    }
    let keys = state.signing_keys.clone();
    let verdict = state
        .db(move |c| verify::verify(c, &keys, &number, q.v, &q.sig))
        .await?;
    let wants_html = req
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    Ok(if wants_html {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(verification_page(&verdict))
    } else {
        HttpResponse::Ok().json(verdict)
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn verification_page(v: &Verification) -> String {
    let colour = if v.genuine { "#0a7d32" } else { "#b00020" };
    let mut rows = String::new();
    let mut row = |label: &str, value: Option<String>| {
        if let Some(value) = value {
            rows.push_str(&format!(
                "<tr><th>{label}</th><td>{}</td></tr>",
                escape(&value)
            ));
        }
    };
    row("單號 Number", Some(v.number.clone()));
    row("開單單位 Unit", v.issuing_unit.clone());
    row("開單日期 Issued", v.issued_on.map(|d| d.to_string()));
    row("違規條款 Article", v.article.clone());
    row("罰鍰 Fine (NT$)", v.fine.map(|f| f.to_string()));
    row("應到案日期 Due", v.due_date.map(|d| d.to_string()));
    format!(
        "<!doctype html><html lang=\"zh-Hant-TW\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
<title>舉發單查驗</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:1em auto;padding:0 1em\">\
<h1 style=\"color:{colour}\">{}</h1><p>{}</p><table>{rows}</table></body></html>",
        if v.genuine {
            "真實單據 Genuine"
        } else {
            "無法驗證 Not genuine"
        },
        escape(&v.message)
    )
}
