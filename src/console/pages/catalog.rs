//! The violation catalog for headquarters administrators: the articles and
//! legal rules in force on a date, and loading new versions from the
//! catalog file (versions are added or closed, never rewritten), through
//! `catalog_store` as the API does.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;

use super::keying::class_name;
use crate::console::layout::{csrf_field, html_response, page, problems};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::console::{FormPairs, check_csrf, raw_field};
use crate::domain::time::taiwan_date;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::catalog::CatalogFile;
use crate::tickets::catalog_store::{self, ArticleQuery};

#[derive(Debug, Deserialize)]
pub struct OnForm {
    on: Option<NaiveDate>,
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
    let (articles, rules) = state
        .db(move |c| {
            let q = ArticleQuery {
                on: Some(on),
                vehicle_class: None,
                ticket_kind: None,
            };
            Ok((
                catalog_store::articles_on(c, &q, on)?,
                catalog_store::rules_on(c, on)?,
            ))
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
                form.row method="get" action="/admin/catalog" {
                    div { label for="on" { "生效日" } input #on type="date" name="on" value=(on); }
                    div { button type="submit" { "查詢" } }
                }
                p #article-count { (articles.len()) " 條條款於 " (on) " 生效" }
                table #articles {
                    thead { tr { th { "代碼" } th { "條款" } th { "內容" } th { "罰鍰（依車種）" } th { "生效" } th { "失效" } } }
                    tbody {
                        @for a in &articles {
                            tr {
                                td { (a.code) } td { (a.article) } td { (a.description) }
                                td { @for (class, [low, high]) in &a.fines { (class_name(*class)) " " (low) "–" (high) " " } }
                                td { (a.effective_from) } td { @if let Some(t) = a.effective_to { (t) } @else { "—" } }
                            }
                        }
                    }
                }
                h2 { "法定期限" }
                table #rules {
                    thead { tr { th { "規則" } th.num { "值" } th { "依據" } th { "生效" } } }
                    tbody { @for r in &rules { tr { td { (r.key) } td.num { (r.value) } td { (r.basis) } td { (r.effective_from) } } } }
                }
                h2 { "載入新版本" }
                p.muted { "貼上條款檔（JSON，與 API 的 POST /api/v1/catalog 相同）。新版本會加入，已載入的版本不會被改寫；任一版本有誤則全部不載入。" }
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
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Browser,
    form: FormPairs,
) -> PageResult<HttpResponse> {
    let form = form.into_inner();
    check_csrf(&req, &state, &who, &form)?;
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
