//! The violation catalog for headquarters administrators: the articles and
//! legal rules in force on a date, and loading new versions from the
//! catalog file (versions are added or closed, never rewritten), through
//! `catalog_store` as the API does.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::keying::class_name;
use crate::console::format::roc_short_date;
use crate::console::layout::day_input;
use crate::console::layout::{csrf_field, html_response, nothing_row, page, problems};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::console::{CsrfForm, raw_field};
use crate::domain::time::roc_date;
use crate::domain::time::taiwan_date;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::catalog::report;
use crate::tickets::catalog::{ArticleVersion, CatalogFile, Citation, LegalRule, Notice, Status};
use crate::tickets::catalog_store::{self, ArticleQuery};

#[derive(Debug, Deserialize)]
pub struct OnForm {
    #[serde(default, deserialize_with = "crate::console::format::day_opt")]
    on: Option<NaiveDate>,
}

/// What the page shows on a day: the versions and rules in force, and how
/// much of the whole catalog is confirmed.
struct Shown {
    on: NaiveDate,
    articles: Vec<ArticleVersion>,
    rules: Vec<LegalRule>,
    summary: report::Summary,
    edition: String,
    notices: Vec<Notice>,
}

fn status_cell(s: Status) -> Markup {
    html! { span class=(if s == Status::Confirmed { "ok" } else { "warn" }) { (s.label_zh()) } }
}

fn sources(cites: &[Citation]) -> Markup {
    html! {
        details {
            summary { (cites.len()) " 則出處" }
            ul {
                @for c in cites {
                    li {
                        (c.kind.map(|k| k.label_zh()).unwrap_or("")) "　"
                        @if let Some(url) = &c.url { a href=(url) rel="noreferrer" { cite { (c.publisher.as_deref().unwrap_or(&c.source)) } } }
                        blockquote { (c.quote) }
                    }
                }
            }
        }
    }
}

/// A note of the catalog file as this page shows it: the file's notes
/// name its own sections by their keys, which are stored versions and not
/// rewritten; here the section has its heading.
fn as_shown_here(note: &str) -> String {
    note.replace("見 notices", "見下方「尚未成為版本、未找到之條文」")
}

fn catalog_view(s: &Shown) -> Markup {
    html! {
        p #catalog-summary {
            "目錄版本 " code { (s.edition) } "：" (roc_date(s.on)) " 施行中之條款版本 "
            (s.summary.in_force.confirmed) " 個已確認、" (s.summary.in_force.unconfirmed) " 個未經法制單位確認；"
            "法定期限 " (s.summary.rules_in_force.confirmed) " 個已確認、" (s.summary.rules_in_force.unconfirmed) " 個未確認。"
        }
        form.row method="get" action="/admin/catalog" {
            div { label for="on" { "生效日" } (day_input("on", "on", &roc_short_date(s.on), false)) }
            div { button type="submit" { "查詢" } }
        }
        p #article-count { (s.articles.len()) " 條條款於 " (roc_date(s.on)) " 生效" }
        table #articles {
            thead { tr { th { "代碼" } th { "條款" } th { "內容" } th { "罰鍰（依車種）" } th { "民眾檢舉" } th { "狀態" } th { "生效" } th { "失效" } th { "出處" } } }
            tbody {
                @for a in &s.articles {
                    tr {
                        td { code { (a.code) } } td { (a.article) } td { (a.description) }
                        td { @for (class, f) in &a.fines { div { (class_name(*class)) " " (report::fine_text(f)) } } }
                        td { @if a.citizen_reporting.is_some() { "得檢舉" } @else { "—" } }
                        td { (status_cell(a.status)) }
                        td { (roc_date(a.effective_from)) } td { @if let Some(t) = a.effective_to { (roc_date(t)) } @else { "—" } }
                        td { (sources(&a.cites)) @if let Some(n) = &a.note { p.muted { (as_shown_here(n)) } } }
                    }
                } @if s.articles.is_empty() { (nothing_row(9)) }
            }
        }
        h2 { "法定期限" }
        table #rules {
            thead { tr { th { "規則" } th.num { "值" } th { "依據" } th { "狀態" } th { "生效" } th { "出處" } } }
            tbody { @for r in &s.rules { tr { td { code { (r.key) } } td.num { (r.value) } td { (r.basis) } td { (status_cell(r.status)) } td { (roc_date(r.effective_from)) } td { (sources(&r.cites)) } } } @if s.rules.is_empty() { (nothing_row(6)) } }
        }
        h2 { "尚未成為版本、未找到之條文" }
        ul #catalog-notices { @for n in &s.notices { li { strong { (n.about) } "：" (n.text) } } }
    }
}

async fn show(
    state: &AppState,
    who: &Browser,
    on: NaiveDate,
    status: StatusCode,
    messages: &[String],
    notice: Option<String>,
    text: &str,
) -> PageResult<HttpResponse> {
    who.actor().ensure_headquarters_admin()?;
    let shown = state
        .db(move |c| {
            let q = ArticleQuery {
                on: Some(on),
                vehicle_class: None,
                ticket_kind: None,
            };
            let all = catalog_store::everything(c)?;
            Ok(Shown {
                on,
                articles: catalog_store::articles_on(c, &q, on)?,
                rules: catalog_store::rules_on(c, on)?,
                summary: report::summary(&all, on),
                edition: all.edition,
                notices: all.notices,
            })
        })
        .await?;
    Ok(html_response(
        status,
        page(
            "違規條款",
            who,
            html! {
                h1 { "違規條款與法定期限" }
                (problems(messages))
                @if let Some(n) = notice { div.notice role="status" #catalog-notice { (n) } }
                (catalog_view(&shown))
                h2 { "載入新版本" }
                p.muted { "貼上條款檔（JSON，與 API 的 " code { "POST /api/v1/catalog" } " 相同）。新版本會加入，已載入的版本不會被改寫；任一版本有誤則全部不載入。" }
                form method="post" action="/admin/catalog" {
                    (csrf_field(who))
                    label for="c-file" { "選擇檔案" }
                    input #c-file type="file" accept=".json,application/json" data-fill-text="c-text";
                    label for="c-text" { "或貼上內容" }
                    textarea #c-text name="catalog" rows="8" spellcheck="false" { (text) }
                    button type="submit" { "載入" }
                }
            },
        ),
    ))
}

#[get("/admin/catalog")]
pub async fn catalog_page(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<OnForm>,
) -> PageResult<HttpResponse> {
    let on = query.on.unwrap_or_else(|| taiwan_date(state.clock.now()));
    show(&state, &who, on, StatusCode::OK, &[], None, "").await
}

#[post("/admin/catalog")]
pub async fn load_catalog(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.actor().ensure_headquarters_admin()?;
    let text = raw_field(&form, "catalog");
    let on = taiwan_date(state.clock.now());
    let file: CatalogFile = match serde_json::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            let m = vec![format!("條款檔無法讀取：{e}")];
            return show(
                &state,
                &who,
                on,
                StatusCode::UNPROCESSABLE_ENTITY,
                &m,
                None,
                &text,
            )
            .await;
        }
    };
    let actor = who.actor().clone();
    match state
        .db(move |c| catalog_store::load(c, &actor, &file))
        .await
    {
        Ok(r) => {
            let notice = format!(
                "新增 {} 個版本、結束 {} 個、未變更 {} 個。",
                r.added, r.closed, r.unchanged
            );
            show(&state, &who, on, StatusCode::OK, &[], Some(notice), "").await
        }
        Err(ApiError::Validation(errors)) => {
            let m: Vec<String> = errors
                .iter()
                .map(|e| format!("{}：{}", e.field, crate::console::words::explain(e)))
                .collect();
            show(
                &state,
                &who,
                on,
                StatusCode::UNPROCESSABLE_ENTITY,
                &m,
                None,
                &text,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
