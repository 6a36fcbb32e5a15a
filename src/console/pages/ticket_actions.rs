//! What police can do to an issued ticket from the console: void it while
//! its recipient has no copy, correct it with a new version naming the type
//! of error, record what the post did with a mailed one, and preview its
//! print exactly as the handheld's printer makes it. The rules are the API's (`tickets::void`, `tickets::correct`,
//! `tickets::print`), applied by the same functions.

use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};

use super::keying::class_name;
use crate::console::format::{input_value, parse_local};
use crate::console::layout::{csrf_field, see_other};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::console::{CsrfForm, field, fields};
use crate::domain::TicketId;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::tickets::catalog::TicketKind;
use crate::tickets::correct::CorrectionInput;
use crate::tickets::delivery::{DeliveryEvent, DeliveryInput};
use crate::tickets::input::TicketInput;
use crate::tickets::model::ErrorType;
use crate::tickets::plate::VehicleClass;
use crate::tickets::print::PrintFormat;
use crate::tickets::view::{TicketStatus, TicketView};
use crate::tickets::void::{VoidInput, VoidReason};

const VOID_REASONS: [(VoidReason, &str, &str); 4] = [
    (VoidReason::Duplicate, "duplicate", "重複開單"),
    (
        VoidReason::WrongRecipient,
        "wrong_recipient",
        "對象錯誤（尚未交付）",
    ),
    (VoidReason::NoViolation, "no_violation", "違規事實不成立"),
    (VoidReason::Other, "other", "其他"),
];

pub fn error_type_name(e: ErrorType) -> &'static str {
    match e {
        ErrorType::Plate => "車牌",
        ErrorType::VehicleClass => "車種",
        ErrorType::Article => "條款",
        ErrorType::Time => "時間",
        ErrorType::Place => "地點",
        ErrorType::Person => "當事人",
        ErrorType::Fine => "罰鍰",
        ErrorType::Other => "其他",
    }
}

/// The void and correction forms of a ticket in force, filled with its
/// values (or with what was typed, after a refusal).
pub fn action_forms(
    who: &Browser,
    t: &TicketView,
    typed: &[(String, String)],
    warnings: &[FieldError],
) -> Markup {
    let value = |name: &str, current: String| -> String {
        match field(typed, name) {
            "" => current,
            v => v.to_owned(),
        }
    };
    let class = value("vehicle_class", t.vehicle_class.as_str().to_owned());
    let client_id = value("client_id", uuid::Uuid::new_v4().to_string());
    html! {
        @if t.status == TicketStatus::Issued {
            details #void open[field(typed, "action") == "void"] {
                summary { "撤銷此單" }
                form method="post" action=(format!("/tickets/{}/void", t.id.0)) {
                    (csrf_field(who))
                    input type="hidden" name="action" value="void";
                    label for="v-reason" { "原因" }
                    select #v-reason name="reason" {
                        @for (_, v, label) in VOID_REASONS { option value=(v) selected[field(typed, "reason") == v] { (label) } }
                    }
                    label for="v-note" { "說明" }
                    input #v-note type="text" name="note" value=(field(typed, "note")) required maxlength="500";
                    button.danger type="submit" { "撤銷" }
                }
            }
            details #correct open[field(typed, "action") == "correct"] {
                summary { "更正此單（新版本，單號不變）" }
                form method="post" action=(format!("/tickets/{}/corrections", t.id.0)) {
                    (csrf_field(who))
                    input type="hidden" name="action" value="correct";
                    input type="hidden" name="client_id" value=(client_id);
                    label for="c-type" { "錯誤類型" }
                    select #c-type name="error_type" {
                        @for e in ErrorType::ALL { option value=(e.as_str()) selected[field(typed, "error_type") == e.as_str()] { (error_type_name(e)) } }
                    }
                    div.row {
                        div { label for="c-plate" { "車牌" } input #c-plate type="text" name="plate" value=(value("plate", t.plate.as_str().to_owned())); }
                        div {
                            label for="c-class" { "車種" }
                            select #c-class name="vehicle_class" {
                                @for c in VehicleClass::ALL { option value=(c.as_str()) selected[class == c.as_str()] { (class_name(c)) } }
                            }
                        }
                        div { label for="c-article" { "條款代碼" } input #c-article type="text" name="article_code" value=(value("article_code", t.article_code.clone())); }
                        div { label for="c-fine" { "罰鍰" } input #c-fine type="number" name="fine" value=(value("fine", t.fine.to_string())); }
                    }
                    div.row {
                        div { label for="c-time" { "違規時間" } input #c-time type="text" name="violation_at" value=(value("violation_at", input_value(t.violation_at))); }
                        div { label for="c-place" { "地點" } input #c-place type="text" name="place" value=(value("place", t.place.clone())); }
                    }
                    label for="c-facts" { "違規事實" }
                    input #c-facts type="text" name="facts" value=(value("facts", t.facts.clone()));
                    @for w in warnings {
                        @let code = format!("{}:{}", w.field, w.code);
                        label.inline { input type="checkbox" name="acknowledge" value=(code); "確認：" (crate::console::words::explain(w)) }
                    }
                    button type="submit" { "送出更正" }
                }
            }
        }
        @if t.status == TicketStatus::Issued && t.kind != TicketKind::OnTheSpot && crate::auth::Supervisor::ROLES.contains(&who.actor().role) {
            details #delivery open[field(typed, "action") == "delivery"] {
                summary { "記錄郵寄結果" }
                form method="post" action=(format!("/tickets/{}/delivery", t.id.0)) {
                    (csrf_field(who))
                    input type="hidden" name="action" value="delivery";
                    label for="d-event" { "結果" }
                    select #d-event name="event" {
                        option value="delivered" selected[field(typed, "event") == "delivered"] { "已送達" }
                        option value="returned" selected[field(typed, "event") == "returned"] { "退回（無法投遞）" }
                    }
                    label for="d-note" { "掛號號碼或退回原因" }
                    input #d-note type="text" name="note" value=(field(typed, "note")) required maxlength="200";
                    button type="submit" { "記錄" }
                }
            }
        }
        h2 { "列印預覽（58 mm）" }
        img.print src=(format!("/tickets/{}/print.png", t.id.0)) alt=(format!("舉發單 {} 的列印預覽", t.number));
    }
}

#[post("/tickets/{id}/void")]
pub async fn void_ticket(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Police::ROLES)?;
    let id = TicketId(id.into_inner());
    let reason = VOID_REASONS
        .iter()
        .find(|(_, v, _)| *v == field(&form, "reason"))
        .map(|(r, _, _)| *r);
    let result = match reason {
        Some(reason) => {
            let input = VoidInput {
                reason,
                note: field(&form, "note").to_owned(),
            };
            let actor = who.actor().clone();
            state
                .blocking(move |s| {
                    crate::tickets::void::void(
                        &mut *s.conn()?,
                        &actor,
                        &crate::tickets::view::Context::of(s),
                        id,
                        &input,
                    )
                })
                .await
        }
        None => Err(ApiError::field("reason", "required", "請選擇原因")),
    };
    match result {
        Ok(t) => Ok(see_other(&format!("/tickets/{}", t.id.0))),
        Err(e) => super::tickets::refused(&state, &who, id, &form, e).await,
    }
}

/// The correction the form asks for: the ticket as it is, with the fields
/// the form changes.
fn correction(
    t: TicketView,
    form: &[(String, String)],
) -> Result<CorrectionInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let error_type = ErrorType::parse(field(form, "error_type"));
    if error_type.is_none() {
        errors.push(FieldError::new("error_type", "required", "請選擇錯誤類型"));
    }
    let vehicle_class = VehicleClass::parse(field(form, "vehicle_class"));
    if vehicle_class.is_none() {
        errors.push(FieldError::new("vehicle_class", "required", "請選擇車種"));
    }
    let violation_at = parse_local(field(form, "violation_at"));
    if violation_at.is_none() {
        errors.push(FieldError::new(
            "violation_at",
            "invalid",
            "時間請寫成 2026-11-30 14:05 或 115/11/30 14:05",
        ));
    }
    let fine = field(form, "fine").parse::<i32>();
    if fine.is_err() {
        errors.push(FieldError::new("fine", "invalid", "請填寫金額"));
    }
    let (Some(error_type), Some(vehicle_class), Some(violation_at), Ok(fine)) =
        (error_type, vehicle_class, violation_at, fine)
    else {
        return Err(errors);
    };
    Ok(CorrectionInput {
        error_type,
        ticket: TicketInput {
            client_id: field(form, "client_id").to_owned(),
            number: None,
            kind: t.kind,
            violation_at,
            reported_at: t.reported_at,
            place: field(form, "place").to_owned(),
            position: t.position,
            plate: field(form, "plate").to_owned(),
            vehicle_class,
            article_code: field(form, "article_code").to_owned(),
            facts: field(form, "facts").to_owned(),
            fine,
            speed: t.speed,
            crash: t.crash,
            driver: t.driver,
            owner: t.owner,
            guardian: t.guardian,
            recipient: Some(t.recipient),
            signature: t.signature,
            acknowledge: fields(form, "acknowledge"),
        },
    })
}

#[post("/tickets/{id}/corrections")]
pub async fn correct_ticket(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Police::ROLES)?;
    let id = TicketId(id.into_inner());
    let actor = who.actor().clone();
    let typed = form.clone();
    let result = state
        .blocking(move |s| {
            let ctx = crate::tickets::view::Context::of(s);
            let current = crate::tickets::view::readable_view(&mut *s.conn()?, &actor, &ctx, id)?;
            let input = correction(current, &typed).map_err(ApiError::Validation)?;
            crate::tickets::correct::correct(&mut *s.conn()?, &actor, &ctx, id, &input)
        })
        .await;
    match result {
        Ok(t) => Ok(see_other(&format!("/tickets/{}", t.id.0))),
        Err(e) => super::tickets::refused(&state, &who, id, &form, e).await,
    }
}

#[post("/tickets/{id}/delivery")]
pub async fn record_delivery(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let id = TicketId(id.into_inner());
    let event = match field(&form, "event") {
        "delivered" => Some(DeliveryEvent::Delivered),
        "returned" => Some(DeliveryEvent::Returned),
        _ => None,
    };
    let result = match event {
        Some(event) => {
            let input = DeliveryInput {
                event,
                note: field(&form, "note").to_owned(),
            };
            let actor = who.actor().clone();
            state
                .blocking(move |s| {
                    crate::tickets::delivery::record(
                        &mut *s.conn()?,
                        &actor,
                        &crate::tickets::view::Context::of(s),
                        id,
                        &input,
                    )
                })
                .await
        }
        None => Err(ApiError::field("event", "required", "請選擇結果")),
    };
    match result {
        Ok(t) => Ok(see_other(&format!("/tickets/{}", t.id.0))),
        Err(e) => super::tickets::refused(&state, &who, id, &form, e).await,
    }
}

#[get("/tickets/{id}/print.png")]
pub async fn print_preview(
    state: web::Data<AppState>,
    who: Browser,
    id: web::Path<i64>,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Police::ROLES)?;
    let id = TicketId(id.into_inner());
    let actor = who.actor().clone();
    let printed = state
        .blocking(move |s| {
            let ctx = crate::tickets::view::Context::of(s);
            let view = crate::tickets::view::readable_view(&mut *s.conn()?, &actor, &ctx, id)?;
            crate::tickets::print::render(&view, PrintFormat::Png, 384)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(printed.content_type)
        .insert_header(("Cache-Control", "private, no-store"))
        .body(printed.bytes))
}
