//! The users' language, page by page: every console page, opened as each
//! role, is read as the screen shows it; an internal English identifier
//! in the visible text (`vehicle_class`, `case`, `null`), a table body with
//! no row (it must say 無資料), or a date in the Western calendar fails.
//! What is set in `<code>` is literal on purpose (a file's column names, a
//! command to type), as is a `<blockquote>` or `<cite>` (a source quoted or named verbatim);
//! neither is read as prose.

use actix_web::test::{TestRequest, call_service, read_body};

use serde_json::json;

use super::console_cookies;
use crate::cases::{REGISTRY, World, camera_case, import_registry, keying};
use crate::common::*;

/// Every page of the console's menus, and the queues of each step.
pub(super) const PAGES: [&str; 17] = [
    "/",
    "/checkins/flagged",
    "/coverage",
    "/plans",
    "/boxes",
    "/officers",
    "/work/review",
    "/work/keying",
    "/work/verification",
    "/work/resolution",
    "/quality",
    "/vendor",
    "/tickets",
    "/admin/accounts",
    "/admin/units",
    "/admin/catalog",
    "/admin/system",
];

pub(super) const BADGES: [&str; 6] = ["HQA", "SUP-IN", "O1", "K1", "V1", "VS1"];

/// Latin words a Taiwanese user reads as their own on these pages.
const ALLOWED: [&str; 4] = ["km", "kb", "mb", "ms"];

/// The text a browser shows: tags, scripts and styles gone, the text of
/// elements kept (SVG text too), entities decoded where they matter.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open..];
        let skip_to = [
            "script",
            "style",
            "title",
            "head",
            "code",
            "blockquote",
            "cite",
        ]
        .iter()
        .find(|t| rest[1..].starts_with(*t) && rest[1 + t.len()..].starts_with(['>', ' ']))
        .map(|t| format!("</{t}>"));
        let end = match skip_to {
            Some(close) => rest.find(&close).map(|i| i + close.len()),
            None => rest.find('>').map(|i| i + 1),
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Lower-case Latin words (identifiers as code spells them); a token with
/// a digit in it (an article code such as 31-1b, a plate, a badge) is a
/// code people use and not counted.
fn identifiers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            word.push(c);
            continue;
        }
        let is_identifier = word.len() >= 2
            && word.chars().any(|c| c.is_ascii_lowercase())
            && !word.chars().any(|c| c.is_ascii_uppercase())
            && !word.chars().any(|c| c.is_ascii_digit())
            && !ALLOWED.contains(&word.as_str());
        if is_identifier {
            found.push(word.clone());
        }
        word.clear();
    }
    found
}

/// A date written with a Western year (2026-12-08, 2026/12/08).
fn western_dates(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '（' || c == '）')
        .filter(|w| {
            let digits: Vec<&str> = w.split(['-', '/']).collect();
            digits.len() >= 2
                && digits[0].len() == 4
                && digits[0].starts_with("20")
                && digits[0].chars().all(|c| c.is_ascii_digit())
                && digits[1].chars().take(2).all(|c| c.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

/// Something on the pages: a case keyed after a refused submission (so
/// near misses by field), waiting for its verification.
pub(super) async fn something_on_the_pages<S, B>(srv: &S, app: &crate::common::TestApp)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let admin = login(srv, "HQA").await;
    assert_eq!(import_registry(srv, &admin, REGISTRY).await.status, 201);
    let intake = login(srv, "SUP-IN").await;
    let case = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-W", 30),
    )
    .await;
    let id = case.body["id"].as_i64().unwrap();
    let keyer = login(srv, "K1").await;
    post(srv, "/api/v1/queues/keying/claim", Some(&keyer), json!({})).await;
    let path = format!("/api/v1/cases/{id}/keying");
    let refused = post(srv, &path, Some(&keyer), keying(&case.body, "MKA-567")).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let keyed = post(srv, &path, Some(&keyer), keying(&case.body, "ABC-1234")).await;
    assert_eq!(keyed.status, 200, "{}", keyed.body);
}

#[test]
fn the_readers_find_what_they_look_for() {
    let text = visible_text(
        "<html><head><title>x_y</title></head><body><header>menu_item</header><td>vehicle_class</td><script>let a_b;</script><td>車牌 ABC-1234</td></body></html>",
    );
    assert_eq!(
        identifiers(&text),
        vec!["menu_item".to_owned(), "vehicle_class".to_owned()]
    );
    assert_eq!(
        western_dates("115/12/08 與 2026-12-08"),
        vec!["2026-12-08".to_owned()]
    );
}

#[actix_web::test]
async fn every_page_speaks_the_users_language_to_every_role() {
    let w = World::new();
    let srv = w.app.service().await;
    something_on_the_pages(&srv, &w.app).await;
    let mut faults = Vec::new();
    for badge in BADGES {
        let cookies = console_cookies(&srv, badge).await;
        for path in PAGES {
            let res = call_service(
                &srv,
                TestRequest::get()
                    .uri(path)
                    .insert_header(("Cookie", cookies.as_str()))
                    .to_request(),
            )
            .await;
            let status = res.status().as_u16();
            let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
            if !html.contains("<html") {
                continue;
            }
            let text = visible_text(&html);
            for word in identifiers(&text) {
                faults.push(format!("{badge} {path} ({status}): identifier {word:?}"));
            }
            for date in western_dates(&text) {
                faults.push(format!("{badge} {path} ({status}): Western date {date:?}"));
            }
            if html.contains("<tbody></tbody>") {
                faults.push(format!(
                    "{badge} {path} ({status}): an empty table says nothing"
                ));
            }
        }
    }
    faults.sort();
    faults.dedup();
    assert!(
        faults.is_empty(),
        "{} faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}
