//! The page shell: zh-TW, the assets with their integrity digests, the
//! navigation of the signed-in role, and the policy that lets the page load
//! only its own files.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::assets::bundle;
use super::session::Browser;
use crate::domain::Role;

/// The console's content security policy: its own scripts, styles,
/// images (evidence, maps drawn inline) and videos (evidence), forms to
/// itself, nothing else.
pub const CONSOLE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn head(title: &str) -> Markup {
    let b = bundle();
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        // htmx's own indicator styles are inline, which the policy refuses.
        // A refused form (422) or an error page is swapped in as a page
        // would be shown, never dropped with only a console message.
        meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false,"defaultSettleDelay":0,"responseHandling":[{"code":"204","swap":false},{"code":"[2345]..","swap":true}]}"#;
        title { (title) " · 電子巡簽與舉發系統" }
        link rel="stylesheet" href=(b.style.href) integrity=(b.style.integrity);
        link rel="icon" type="image/svg+xml" href=(b.icon.href);
        script src=(b.htmx.href) integrity=(b.htmx.integrity) defer {}
        script src=(b.script.href) integrity=(b.script.integrity) defer {}
    }
}

/// A page with no navigation (sign-in, errors).
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-TW" {
            head { (head(title)) }
            body { (body) }
        }
    }
}

fn links(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![("/", "首頁")];
    match role {
        Role::Supervisor | Role::Admin => {
            v.extend([
                ("/checkins/flagged", "待審巡簽"),
                ("/coverage", "巡邏涵蓋率"),
                ("/plans", "巡邏計畫"),
                ("/boxes", "巡邏箱"),
                ("/officers", "員警"),
                ("/work/review", "案件審核"),
                ("/quality", "開單品質"),
                ("/vendor", "合約"),
                ("/tickets", "舉發單"),
                ("/admin/accounts", "帳號"),
            ]);
            if role == Role::Admin {
                v.extend([
                    ("/admin/units", "單位"),
                    ("/admin/catalog", "條款"),
                    ("/admin/system", "系統"),
                ]);
            }
        }
        Role::Officer => v.push(("/tickets", "舉發單")),
        Role::VendorKeyer => v.extend([("/work/keying", "打字"), ("/vendor", "我的工作量")]),
        Role::VendorVerifier => {
            v.extend([("/work/verification", "驗證"), ("/vendor", "我的工作量")])
        }
        Role::VendorSupervisor => {
            v.extend([("/work/resolution", "差異處理"), ("/vendor", "我的工作量")])
        }
    }
    v
}

/// A signed-in page.
pub fn page(title: &str, who: &Browser, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-TW" {
            head { (head(title)) }
            body hx-headers=(format!(r#"{{"X-CSRF-Token":"{}"}}"#, who.csrf)) {
                header.top {
                    strong { "電子巡簽與舉發" }
                    nav aria-label="主選單" {
                        @for (href, label) in links(who.actor().role) {
                            a href=(href) { (label) }
                        }
                    }
                    span { (who.name) "（" (who.caller.badge) "，" (who.unit_name) "）" }
                    form method="post" action="/logout" {
                        (csrf_field(who))
                        button.secondary type="submit" { "登出" }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A day field in the ROC calendar (`115/12/08`); Western dates are read
/// too. Browsers' own date pickers follow the browser's locale instead.
pub fn day_input(id: &str, name: &str, value: &str, required: bool) -> Markup {
    html! {
        input id=(id) type="text" name=(name) value=(value) inputmode="numeric"
            placeholder="115/12/08" autocomplete="off" required[required];
    }
}

/// A month field in the ROC calendar (`115/12`).
pub fn month_input(id: &str, name: &str, key: &str) -> Markup {
    html! {
        input id=(id) type="text" name=(name) value=(super::format::roc_month_input(key))
            inputmode="numeric" placeholder="115/12" autocomplete="off";
    }
}

/// The row of a table with nothing in it: "無資料" across its columns.
pub fn nothing_row(columns: usize) -> Markup {
    html! { tr.nothing { td colspan=(columns) { "無資料" } } }
}

pub fn csrf_field(who: &Browser) -> Markup {
    html! { input type="hidden" name=(super::session::CSRF_FIELD) value=(who.csrf); }
}

/// A list of problems, announced to screen readers.
pub fn problems(messages: &[String]) -> Markup {
    html! {
        @if !messages.is_empty() {
            div.error role="alert" {
                ul { @for m in messages { li { (m) } } }
            }
        }
    }
}

pub fn html_response(status: StatusCode, body: Markup) -> HttpResponse {
    let mut res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body.into_string());
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONSOLE_POLICY),
    );
    res
}

pub fn ok(body: Markup) -> HttpResponse {
    html_response(StatusCode::OK, body)
}

/// After a form: the page to look at next (POST, redirect, GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Text that must never be read as markup, for places maud cannot escape.
pub fn raw_json(value: &serde_json::Value) -> PreEscaped<String> {
    PreEscaped(
        value
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e"),
    )
}
