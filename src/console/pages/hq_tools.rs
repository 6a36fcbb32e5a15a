//! The headquarters' tools: verifying the audit chain, rotating the key of
//! box codes, importing a vehicle-registry extract, each through the
//! function the API route calls (headquarters administrators only).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::html;

use crate::console::format::roc_short_utc;
use crate::console::layout::{csrf_field, html_response, nothing_row, page, problems};
use crate::console::page_error::{PageResult, refusal_messages};
use crate::console::session::Browser;
use crate::console::{CsrfForm, raw_field};
use crate::state::AppState;

/// What the headquarters' tools page shows after an action.
#[derive(Default)]
struct Outcome {
    messages: Vec<String>,
    notice: Option<String>,
    csv: String,
}

async fn system_page(
    state: &AppState,
    who: &Browser,
    status: StatusCode,
    out: Outcome,
) -> PageResult<HttpResponse> {
    who.actor().ensure_headquarters_admin()?;
    let actor = who.actor().clone();
    let keys = state
        .db(move |c| crate::patrol::keys::list(c, &actor))
        .await?;
    Ok(html_response(
        status,
        page(
            "系統",
            who,
            html! {
                h1 { "系統管理（局本部）" }
                (problems(&out.messages))
                @if let Some(n) = &out.notice { div.notice role="status" #system-notice { (n) } }
                h2 { "稽核紀錄驗證" }
                p.muted { "逐筆檢查稽核鏈的雜湊與簽章，並比對存於資料庫之外的檢查點。" }
                form method="post" action="/admin/system/verify-audit" {
                    (csrf_field(who))
                    button type="submit" { "驗證稽核紀錄" }
                }
                h2 { "巡邏箱 QR 金鑰" }
                table #key-versions {
                    thead { tr { th.num { "版本" } th { "建立" } th { "狀態" } } }
                    tbody {
                        @for k in &keys {
                            tr {
                                td.num { (k.version) } td { (roc_short_utc(k.created_at)) }
                                td { @if k.current { "使用中（新貼紙）" } @else if k.retired_at.is_some() { "已停用" } @else { "仍接受" } }
                            }
                        } @if keys.is_empty() { (nothing_row(3)) }
                    }
                }
                form method="post" action="/admin/system/rotate-key" {
                    (csrf_field(who))
                    button.secondary type="submit" { "輪替金鑰（舊貼紙仍有效，直到停用舊版本）" }
                }
                h2 { "車籍資料匯入" }
                p.muted { "欄位依序為：" code { (crate::registry::import::IMPORT_COLUMNS) } "。任一列有誤則全部不匯入。4 MB 以上的檔案請用 " code { "epatrol import registry" } "。" }
                form method="post" action="/admin/system/registry" {
                    (csrf_field(who))
                    label for="r-file" { "選擇檔案" }
                    input #r-file type="file" accept=".csv,text/csv" data-fill-text="r-text";
                    label for="r-text" { "或貼上內容" }
                    textarea #r-text name="csv" rows="6" spellcheck="false" { (out.csv) }
                    button type="submit" { "匯入車籍" }
                }
            },
        ),
    ))
}

#[get("/admin/system")]
pub async fn system(state: web::Data<AppState>, who: Browser) -> PageResult<HttpResponse> {
    system_page(&state, &who, StatusCode::OK, Outcome::default()).await
}

#[post("/admin/system/verify-audit")]
pub async fn verify_audit(
    state: web::Data<AppState>,
    CsrfForm { who, .. }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.actor().ensure_headquarters_admin()?;
    let checkpoints = state.settings.data_dir.join(crate::audit::checkpoint::FILE);
    let report = state
        .db(move |c| Ok(crate::audit::verify(c, &checkpoints)?))
        .await?;
    let out = if report.intact {
        Outcome {
            notice: Some(format!(
                "稽核紀錄完整：檢查 {} 筆、檢查點 {} 個。",
                report.checked, report.checkpoints_checked
            )),
            ..Outcome::default()
        }
    } else {
        Outcome {
            messages: vec![format!(
                "稽核紀錄遭竄改或中斷：第 {} 筆之後無法驗證。",
                report.checked
            )],
            ..Outcome::default()
        }
    };
    system_page(&state, &who, StatusCode::OK, out).await
}

#[post("/admin/system/rotate-key")]
pub async fn rotate_key(
    state: web::Data<AppState>,
    CsrfForm { who, .. }: CsrfForm,
) -> PageResult<HttpResponse> {
    let actor = who.actor().clone();
    let version = state
        .db(move |c| crate::patrol::keys::rotate(c, &actor))
        .await?;
    let out = Outcome {
        notice: Some(format!("新貼紙改用第 {version} 版金鑰；請重新列印貼紙。")),
        ..Outcome::default()
    };
    system_page(&state, &who, StatusCode::OK, out).await
}

#[post("/admin/system/registry")]
pub async fn import_registry(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    let csv = raw_field(&form, "csv");
    let bytes = csv.clone().into_bytes();
    let actor = who.actor().clone();
    let result = state
        .db(move |c| crate::registry::import::import_csv(c, &actor, &bytes, &|_, _| {}))
        .await;
    match result {
        Ok(report) => {
            let out = Outcome {
                notice: Some(format!("已匯入 {} 筆車籍資料。", report.imported)),
                ..Outcome::default()
            };
            system_page(&state, &who, StatusCode::OK, out).await
        }
        Err(e) => match refusal_messages(&e) {
            Some(messages) => {
                let out = Outcome {
                    messages,
                    notice: None,
                    csv,
                };
                system_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, out).await
            }
            None => Err(e.into()),
        },
    }
}
