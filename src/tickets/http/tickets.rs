//! Tickets: checking, issuing, reading, voiding, correcting and printing.

use crate::domain::TicketId;
use actix_web::{HttpResponse, get, post, web};

use crate::auth::{Police, Supervisor};
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::state::AppState;
use crate::tickets::check::{self, CheckResult};
use crate::tickets::correct::{self, CorrectionInput};
use crate::tickets::delivery::{self, DeliveryInput};
use crate::tickets::input::TicketInput;
use crate::tickets::issue;
use crate::tickets::print::PrintQuery;
use crate::tickets::view::Context;
use crate::tickets::view::{self, TicketView};
use crate::tickets::void::{self, VoidInput};

/// Run every rule on a ticket without issuing it: errors, warnings to
/// acknowledge, the plate as it will print, the due date. Each error is
/// counted as a near miss of the officer (once per `client_id`, field
/// and rule); nothing else is stored.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    request_body = TicketInput,
    responses((status = 200, description = "What the rules say", body = CheckResult))
)]
#[post("/tickets/check")]
pub async fn check_ticket(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<TicketInput>,
) -> ApiResult<web::Json<CheckResult>> {
    let input = body.into_inner();
    Ok(web::Json(
        state
            .db(move |c| {
                let result = check::check(c, &input)?;
                crate::tickets::near_miss::note_caught(
                    c,
                    &caller.actor,
                    &input.client_id,
                    &result.errors,
                );
                Ok(result)
            })
            .await?,
    ))
}

/// Issue a ticket: validated, numbered, stored immutably, audited. Errors
/// block (422 `validation_failed`); warnings must be acknowledged (422
/// `warnings_unacknowledged`). The same `client_id` again replays the answer.
/// Each rule error is counted as a near miss of the officer, as by the check.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    request_body = TicketInput,
    responses(
        (status = 201, description = "Issued", body = TicketView),
        (status = 200, description = "Already issued: the first answer again", body = TicketView),
        (status = 409, description = "`number_used`, `client_id_conflict`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad field, or the warnings to acknowledge", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Writing has fallen behind (`overloaded`): nothing was stored; send again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets")]
pub async fn issue_ticket(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<TicketInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    // Tickets share the uploads' admission with check-ins: while writing
    // has fallen behind, the handheld keeps the ticket and sends it again.
    let mut admitted = state.uploads.admit()?;
    let view = state
        .blocking(move |s| {
            admitted.writing();
            issue::issue(&mut *s.conn()?, &caller.actor, &Context::of(s), &input)
        })
        .await?;
    Ok(if view.replayed {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created().json(view)
    })
}

/// Tickets: officers see their own, supervisors their units'.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(PageQuery),
    responses((status = 200, description = "A page of tickets", body = Page<TicketView>))
)]
#[get("/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    Police(caller): Police,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<TicketView>>> {
    let page = page.into_inner();
    let result = state
        .blocking(move |s| {
            let mut conn = s.conn()?;
            let rows =
                crate::tickets::search::page(&mut conn, &caller.actor, page.after, page.limit()?)?;
            let ctx = Context::of(s);
            let views = rows
                .into_iter()
                .map(|r| view::view(&mut conn, &ctx, r))
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(Page::from_rows(views, page.limit()?, |v: &TicketView| {
                v.id.0
            }))
        })
        .await?;
    Ok(web::Json(result))
}

/// One ticket version.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket", body = TicketView),
        (status = 404, description = "Not yours, or not within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}")]
pub async fn get_ticket(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<TicketId>,
) -> ApiResult<web::Json<TicketView>> {
    let id = id.into_inner();
    let view = state
        .blocking(move |s| view::readable_view(&mut *s.conn()?, &caller.actor, &Context::of(s), id))
        .await?;
    Ok(web::Json(view))
}

/// Void a ticket whose recipient has no copy yet (a reason is required);
/// otherwise correct it.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = VoidInput,
    responses(
        (status = 200, description = "The voided ticket", body = TicketView),
        (status = 409, description = "`already_voided`, `superseded`, `copy_delivered`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/void")]
pub async fn void_ticket(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<TicketId>,
    body: JsonBody<VoidInput>,
) -> ApiResult<web::Json<TicketView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .blocking(move |s| {
                void::void(&mut *s.conn()?, &caller.actor, &Context::of(s), id, &input)
            })
            .await?,
    ))
}

/// Correct a ticket: a new version with the same number, pointing at the
/// one it replaces, with the type of error it fixes.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "Ticket id of the version being corrected")),
    request_body = CorrectionInput,
    responses(
        (status = 201, description = "The new version", body = TicketView),
        (status = 200, description = "The same correction again: the stored answer, `replayed`", body = TicketView),
        (status = 409, description = "`already_voided`, `superseded`, `client_id_conflict`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/corrections")]
pub async fn correct_ticket(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<TicketId>,
    body: JsonBody<CorrectionInput>,
) -> ApiResult<HttpResponse> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let view = state
        .blocking(move |s| {
            correct::correct(&mut *s.conn()?, &caller.actor, &Context::of(s), id, &input)
        })
        .await?;
    Ok(if view.replayed {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created().json(view)
    })
}

/// Printer-ready bytes of a ticket for the handheld to forward over
/// Bluetooth (`escpos`, `zpl`, `cpcl`), a PNG preview of exactly that print,
/// or a PDF archive copy. All come from one layout.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin"])),
    params(("id" = i64, Path, description = "Ticket id"), PrintQuery),
    responses(
        (status = 200, description = "The print", content(
            (Vec<u8> = "application/vnd.escpos"),
            (String = "application/vnd.zebra-zpl"),
            (Vec<u8> = "application/vnd.zebra-cpcl"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/png"),
        )),
        (status = 400, description = "Unknown format or width", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{id}/print")]
pub async fn print_ticket(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<TicketId>,
    query: web::Query<PrintQuery>,
) -> ApiResult<HttpResponse> {
    let (id, q) = (id.into_inner(), query.into_inner());
    let width = q.width.unwrap_or(384);
    if width != 384 && width != 576 {
        return Err(crate::error::ApiError::bad_request(
            "unknown_width",
            "width is 384 (58 mm) or 576 (80 mm)",
        ));
    }
    let printed = state
        .blocking(move |s| {
            let view = view::readable_view(&mut *s.conn()?, &caller.actor, &Context::of(s), id)?;
            crate::tickets::print::render(&view, q.format, width)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(printed.content_type)
        .body(printed.bytes))
}

/// Record that a mailed ticket (camera case, citizen report) was delivered
/// or came back undeliverable. A delivered ticket can only be corrected.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = DeliveryInput,
    responses(
        (status = 200, description = "The ticket", body = TicketView),
        (status = 409, description = "`not_mailed`, `not_in_force`, `already_delivered`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/delivery")]
pub async fn record_delivery(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<TicketId>,
    body: JsonBody<DeliveryInput>,
) -> ApiResult<web::Json<TicketView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .blocking(move |s| {
                delivery::record(&mut *s.conn()?, &caller.actor, &Context::of(s), id, &input)
            })
            .await?,
    ))
}
