//! The keying, blind verification and resolution screens: typed without
//! the mouse (Tab between fields, Enter submits, the next case follows at
//! once), checked as they are typed with the rules the submission applies.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use maud::{Markup, html};

use super::keying_check::{KEYING_FIELDS, answer, keying_so_far};
use super::keying_form::{critical_input, keying_input};
use super::work_fields::{Marks, class_select, text};

/// The fields the verification and the resolution key, in order.
const CRITICAL_FIELDS: [&str; 4] = ["plate", "vehicle_class", "article_code", "violation_at"];
use super::work::{after_claim, case_facts, load_case, viewer};
use crate::cases::status::{CaseStatus, Step};
use crate::cases::view::{CaseView, EntryView};
use crate::console::CsrfForm;
use crate::console::format::roc_short_utc;
use crate::console::layout::{csrf_field, html_response, page, problems};
use crate::console::page_error::{PageError, PageResult};
use crate::console::session::Browser;
use crate::domain::CaseId;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::tickets::plate::VehicleClass;

pub fn class_name(c: VehicleClass) -> &'static str {
    match c {
        VehicleClass::Car => "小型車",
        VehicleClass::LargeVehicle => "大型車",
        VehicleClass::Motorcycle => "機車",
        VehicleClass::HeavyMotorcycle => "大型重型機車",
    }
}

pub fn field_name(f: &str) -> &str {
    match f {
        "plate" => "車牌",
        "vehicle_class" => "車種",
        "article_code" => "違規條款",
        "violation_at" => "違規時間",
        "place" => "地點",
        "facts" => "違規事實",
        "fine" => "罰鍰",
        "make" => "廠牌",
        "owner" => "車主",
        other => other,
    }
}

fn messages(errors: &[FieldError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            format!(
                "{}：{}",
                field_name(&e.field),
                crate::console::words::explain(e)
            )
        })
        .collect()
}

/// The critical fields, as the verification and the resolution key them.
fn critical_fields(form: &[(String, String)], differing: &[String], marks: &Marks) -> Markup {
    let mark = |f: &str| differing.iter().any(|d| d == f);
    html! {
        div.row {
            div class=[mark("plate").then_some("differs")] { (text(form, "plate", "車牌", "AAA-0000", marks)) }
            div class=[mark("vehicle_class").then_some("differs")] { (class_select(form, marks)) }
        }
        div.row {
            div class=[mark("article_code").then_some("differs")] { (text(form, "article_code", "違規條款", "53-1", marks)) }
            div class=[mark("violation_at").then_some("differs")] { (text(form, "violation_at", "違規時間（臺灣時間）", "115/11/30 14:05:09", marks)) }
        }
    }
}

fn warnings_to_acknowledge(warnings: &[FieldError]) -> Markup {
    html! {
        @if !warnings.is_empty() {
            fieldset.warn {
                legend { "請確認以下提醒，確認無誤後勾選再送出" }
                @for w in warnings {
                    label {
                        input type="checkbox" name="acknowledge" value=(format!("{}:{}", w.field, w.code));
                        " " (field_name(&w.field)) "：" (crate::console::words::explain(w))
                    }
                }
            }
        }
    }
}

fn entry_column(title: &str, e: &EntryView, differing: &[String]) -> Markup {
    let mark = |f: &str| differing.iter().any(|d| d == f).then_some("differs");
    html! {
        table {
            caption { (title) }
            tr class=[mark("plate")] { th { "車牌" } td { (e.plate) } }
            tr class=[mark("vehicle_class")] { th { "車種" } td { (class_name(e.vehicle_class)) } }
            tr class=[mark("article_code")] { th { "條款" } td { (e.article_code) } }
            tr class=[mark("violation_at")] { th { "時間" } td { (roc_short_utc(e.violation_at)) } }
        }
    }
}

/// The screen of a case for the step it waits for.
pub fn work_screen(
    who: &Browser,
    case: &CaseView,
    form: &[(String, String)],
    errors: &[FieldError],
    warnings: &[FieldError],
) -> Markup {
    let id = case.id.0;
    let step = super::work::step_of(case.status);
    let title = step.map(super::work::step_name).unwrap_or("案件");
    let differing = case.differences.clone().unwrap_or_default();
    let keying = Marks::new(&KEYING_FIELDS, errors, warnings);
    // The resolution starts where the two keyings differ.
    let critical_order: Vec<&str> = differing
        .iter()
        .map(String::as_str)
        .chain(CRITICAL_FIELDS)
        .filter(|f| CRITICAL_FIELDS.contains(f))
        .collect();
    let critical = Marks::new(&critical_order, errors, warnings);
    let body = html! {
        h1 { (title) "：" (case.client_id) }
        div.work {
            (viewer(case))
            section aria-label="輸入" {
                (case_facts(case))
                (problems(&messages(errors)))
                @match case.status {
                    CaseStatus::Received => {
                        form method="post" action=(format!("/cases/{id}/keying")) novalidate
                            hx-post=(format!("/cases/{id}/keying")) hx-sync="this:drop" hx-disinherit="hx-target hx-select hx-swap hx-push-url hx-sync"
                            hx-target="main" hx-select="main" hx-swap="outerHTML" hx-push-url="true" {
                            (csrf_field(who))
                            div hx-post=(format!("/cases/{id}/check")) hx-trigger="input delay:300ms, change"
                                hx-include="closest form" hx-target="#checks" hx-swap="innerHTML"
                                hx-sync="this:queue last" data-check {
                                div.row { div { (text(form, "plate", "車牌", "AAA-0000", &keying)) } div { (class_select(form, &keying)) } }
                                div.row { div { (text(form, "article_code", "違規條款", "53-1", &keying)) } div { (text(form, "violation_at", "違規時間（臺灣時間）", "115/11/30 14:05:09", &keying)) } }
                                (text(form, "place", "地點", &case.place, &keying))
                                (text(form, "facts", "違規事實", "行經有燈光號誌管制之交岔路口闖紅燈", &keying))
                                div.row { div { (text(form, "fine", "罰鍰（元）", "2700", &keying)) } div { (text(form, "make", "廠牌（選填）", "例：豐田", &keying)) } }
                            }
                            (warnings_to_acknowledge(warnings))
                            div #checks .checks aria-live="polite" {}
                            p { button type="submit" { "送出並取下一件 " kbd { "Enter" } } }
                        }
                    }
                    CaseStatus::Keyed => {
                        p.muted { "盲驗：請依證據重新輸入關鍵欄位，看不到第一次的輸入。" }
                        form method="post" action=(format!("/cases/{id}/verification")) novalidate
                            hx-post=(format!("/cases/{id}/verification")) hx-sync="this:drop" hx-disinherit="hx-target hx-select hx-swap hx-push-url hx-sync"
                            hx-target="main" hx-select="main" hx-swap="outerHTML" hx-push-url="true" {
                            (csrf_field(who))
                            (critical_fields(form, &[], &critical))
                            p { button type="submit" { "送出並取下一件 " kbd { "Enter" } } }
                        }
                    }
                    CaseStatus::InResolution => {
                        @if let Some(entries) = &case.entries {
                            div.pair {
                                @for e in entries.iter().rev().filter(|e| e.step == Step::Keying).take(1) {
                                    (entry_column("一打", e, &differing))
                                }
                                @for e in entries.iter().rev().filter(|e| e.step == Step::Verification).take(1) {
                                    (entry_column("二驗", e, &differing))
                                }
                            }
                        }
                        p { "標示的欄位兩次不同。請對照證據輸入正確值：" }
                        form method="post" action=(format!("/cases/{id}/resolution")) novalidate
                            hx-post=(format!("/cases/{id}/resolution")) hx-sync="this:drop" hx-disinherit="hx-target hx-select hx-swap hx-push-url hx-sync"
                            hx-target="main" hx-select="main" hx-swap="outerHTML" hx-push-url="true" {
                            (csrf_field(who))
                            (critical_fields(form, &differing, &critical))
                            p { button type="submit" { "確定並取下一件 " kbd { "Enter" } } }
                        }
                    }
                    CaseStatus::Verified => { (super::review::review_form(who, case, warnings)) }
                    _ => { p { "此案件目前狀態：" (case.status.as_str()) } }
                }
                @if case.claimed_by == who.actor().user_id && case.claimed_by.is_some() {
                    form method="post" action=(format!("/cases/{id}/release")) {
                        (csrf_field(who))
                        button.secondary type="submit" { "放回佇列" }
                    }
                }
            }
        }
    };
    page(title, who, body)
}

/// A refused submission: the same screen again, with what was typed and why.
async fn again(
    state: &AppState,
    who: &Browser,
    id: CaseId,
    form: &[(String, String)],
    refusal: ApiError,
) -> PageResult<HttpResponse> {
    let (errors, warnings) = match refusal {
        ApiError::Validation(e) => (e, Vec::new()),
        ApiError::Unacknowledged(w) => (Vec::new(), w),
        other => return Err(PageError::Api(other)),
    };
    let case = load_case(state, who, id).await?;
    let mut answer = html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        work_screen(who, &case, form, &errors, &warnings),
    );
    // Swapped into the page it was sent from: the address stays the case's.
    answer.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("hx-push-url"),
        actix_web::http::header::HeaderValue::from_static("false"),
    );
    Ok(answer)
}

/// Checks the keying as it is typed: the errors and warnings the
/// submission would meet, as a fragment.
#[post("/cases/{id}/check")]
pub async fn check(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    let (input, unreadable) = keying_so_far(&form);
    let actor = who.actor().clone();
    let (mut errors, warnings) = state
        .db(move |c| crate::cases::work::check_keying(c, &actor, id, &input))
        .await?;
    // A value that cannot be read stands for itself, not its stand-in.
    errors.retain(|e| !unreadable.iter().any(|u| u.field == e.field));
    errors.extend(unreadable);
    Ok(html_response(
        StatusCode::OK,
        answer(&form, &errors, &warnings),
    ))
}

#[post("/cases/{id}/keying")]
pub async fn submit_keying(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    let input = match keying_input(&form) {
        Ok(i) => i,
        Err(e) => return again(&state, &who, id, &form, ApiError::Validation(e)).await,
    };
    let actor = who.actor().clone();
    let next = state
        .db(move |c| {
            match crate::cases::work::key(c, &actor, id, &input) {
                Ok(_) => {}
                Err(e @ (ApiError::Validation(_) | ApiError::Unacknowledged(_))) => {
                    return Ok(Err(e));
                }
                Err(e) => return Err(e),
            }
            Ok(Ok(crate::cases::queue::claim_next(
                c,
                &actor,
                Step::Keying,
            )?))
        })
        .await?;
    match next {
        Ok(claimed) => Ok(after_claim(Step::Keying, claimed)),
        Err(refusal) => again(&state, &who, id, &form, refusal).await,
    }
}

async fn submit_critical(
    state: &AppState,
    who: &Browser,
    id: CaseId,
    form: Vec<(String, String)>,
    step: Step,
) -> PageResult<HttpResponse> {
    let input = match critical_input(&form) {
        Ok(i) => i,
        Err(e) => return again(state, who, id, &form, ApiError::Validation(e)).await,
    };
    let actor = who.actor().clone();
    let next = state
        .db(move |c| {
            let done = if step == Step::Verification {
                crate::cases::work::verify(c, &actor, id, &input)
            } else {
                crate::cases::work::resolve(c, &actor, id, &input)
            };
            match done {
                Ok(_) => {}
                Err(e @ (ApiError::Validation(_) | ApiError::Unacknowledged(_))) => {
                    return Ok(Err(e));
                }
                Err(e) => return Err(e),
            }
            Ok(Ok(crate::cases::queue::claim_next(c, &actor, step)?))
        })
        .await?;
    match next {
        Ok(claimed) => Ok(after_claim(step, claimed)),
        Err(refusal) => again(state, who, id, &form, refusal).await,
    }
}

#[post("/cases/{id}/verification")]
pub async fn submit_verification(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
    id: web::Path<i64>,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    submit_critical(&state, &who, id, form, Step::Verification).await
}

#[post("/cases/{id}/resolution")]
pub async fn submit_resolution(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
    id: web::Path<i64>,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    submit_critical(&state, &who, id, form, Step::Resolution).await
}
