//! The police reviewer's decision on a verified case: approve (the ticket
//! is issued at once, to the registered owner) or send back with a reason.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use maud::{Markup, html};

use super::keying::class_name;
use crate::cases::input::{ApproveInput, SendBackInput};
use crate::cases::status::Step;
use crate::cases::view::CaseView;
use crate::console::format::roc_short_utc;
use crate::console::layout::{csrf_field, html_response, see_other};
use crate::console::page_error::{PageError, PageResult};
use crate::console::session::Browser;
use crate::console::{CsrfForm, field, fields};
use crate::domain::CaseId;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;

/// The values the ticket will carry and the two decisions.
pub fn review_form(who: &Browser, case: &CaseView, warnings: &[FieldError]) -> Markup {
    let id = case.id.0;
    let entries = case.entries.as_deref().unwrap_or_default();
    let keying = entries.iter().rev().find(|e| e.step == Step::Keying);
    let settled = entries.iter().rev().find(|e| e.step == Step::Resolution);
    html! {
        @if let Some(k) = keying {
            table {
                caption { "將開立的舉發單" }
                tr { th { "車牌" } td { (settled.map_or(&k.plate, |s| &s.plate)) } }
                tr { th { "車種" } td { (class_name(settled.map_or(k.vehicle_class, |s| s.vehicle_class))) } }
                tr { th { "違規條款" } td { (settled.map_or(&k.article_code, |s| &s.article_code)) } }
                tr { th { "違規時間" } td { (roc_short_utc(settled.map_or(k.violation_at, |s| s.violation_at))) } }
                tr { th { "地點" } td { (k.place.as_deref().unwrap_or("")) } }
                tr { th { "違規事實" } td { (k.facts.as_deref().unwrap_or("")) } }
                tr { th { "罰鍰" } td { (k.fine.unwrap_or_default()) " 元" } }
            }
            @if settled.is_some() { p.muted { "關鍵欄位經差異處理確定。" } }
        }
        form method="post" action=(format!("/cases/{id}/approve")) {
            (csrf_field(who))
            @if !warnings.is_empty() {
                fieldset.warn {
                    legend { "請確認以下提醒" }
                    @for w in warnings {
                        label {
                            input type="checkbox" name="acknowledge" value=(format!("{}:{}", w.field, w.code));
                            " " (crate::console::words::explain(w))
                        }
                    }
                }
            }
            @if case.duplicate_of.is_some() {
                fieldset #repeat-finding {
                    legend { "同車同條款已於數分鐘內舉發時（第7條之1第3項、第85條之1第2項）" }
                    label { input type="radio" name="repeat" value="" checked; " 未知（系統會提示）" }
                    label { input type="radio" name="repeat" value="passed"; " 兩次違規之間已經過路口" }
                    label { input type="radio" name="repeat" value="not_passed"; " 未經過路口（同一違規）" }
                    label { input type="checkbox" name="repeat_tunnel" value="1"; " 違規地點在隧道內" }
                }
            }
            p { button type="submit" data-autofocus { "核准並開單" } }
        }
        form method="post" action=(format!("/cases/{id}/send-back")) {
            (csrf_field(who))
            label for="reason" { "退回原因" }
            input #reason type="text" name="reason" required;
            p { button.secondary type="submit" { "退回重新打字" } }
        }
    }
}

#[post("/cases/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    let repeat = match field(&form, "repeat") {
        "passed" | "not_passed" => Some(crate::cases::gates::RepeatFinding {
            intersection_passed: field(&form, "repeat") == "passed",
            in_tunnel: field(&form, "repeat_tunnel") == "1",
        }),
        _ => None,
    };
    let input = ApproveInput {
        acknowledge: fields(&form, "acknowledge"),
        repeat,
    };
    let actor = who.actor().clone();
    let approved = state
        .blocking(move |s| {
            crate::cases::review::approve(
                &mut *s.conn()?,
                &actor,
                &crate::tickets::view::Context::of(s),
                id,
                &input,
            )
        })
        .await;
    match approved {
        Ok(done) => Ok(see_other(&format!("/tickets/{}", done.ticket.id.0))),
        Err(ApiError::Unacknowledged(warnings)) => {
            let case = super::work::load_case(&state, &who, id).await?;
            Ok(html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                super::keying::work_screen(&who, &case, &form, &[], &warnings),
            ))
        }
        Err(e) => Err(PageError::Api(e)),
    }
}

#[post("/cases/{id}/send-back")]
pub async fn send_back(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    let input = SendBackInput {
        reason: field(&form, "reason").to_owned(),
    };
    let actor = who.actor().clone();
    state
        .db(move |c| crate::cases::review::send_back(c, &actor, id, &input))
        .await?;
    Ok(see_other("/work/review"))
}
