//! Ticket endpoints: the violation catalog, issuing, reading, voiding and
//! correcting tickets, number blocks, public verification.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::catalog::{ArticleVersion, CatalogFile, LegalRule};
use super::catalog_store::{self, ArticleQuery, LoadReport};
use super::check::{self, CheckResult};
use super::correct::{self, CorrectionInput};
use super::input::TicketInput;
use super::issue;
use super::numbering::{self, BlockRequest, BlocksView};
use super::print::PrintQuery;
use super::verify::{self, Verification};
use super::view::{self, Context, TicketView};
use super::void::{self, VoidInput};
use crate::auth::{Caller, HqAdmin, Police};
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::state::AppState;

fn today() -> chrono::NaiveDate {
    crate::domain::time::taiwan_date(crate::db::now())
}

/// The violation articles in force on a date, with fine ranges per vehicle
/// class and the ticket kinds that may use them.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(ArticleQuery),
    responses((status = 200, description = "Articles in force", body = Vec<ArticleVersion>))
)]
#[get("/catalog/articles")]
pub async fn list_articles(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ArticleQuery>,
) -> ApiResult<web::Json<Vec<ArticleVersion>>> {
    let q = query.into_inner();
    Ok(web::Json(
        state
            .db(move |c| catalog_store::articles_on(c, &q, today()))
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RulesQuery {
    /// The date (default: today, Taiwan time).
    pub on: Option<chrono::NaiveDate>,
}

/// The legal timing rules in force on a date (deadlines, due days).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(RulesQuery),
    responses((status = 200, description = "Rules in force", body = Vec<LegalRule>))
)]
#[get("/catalog/rules")]
pub async fn list_rules(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<RulesQuery>,
) -> ApiResult<web::Json<Vec<LegalRule>>> {
    let on = query.into_inner().on.unwrap_or_else(today);
    Ok(web::Json(
        state.db(move |c| catalog_store::rules_on(c, on)).await?,
    ))
}

/// Load catalog versions (headquarters administrators): new versions are
/// added, open versions may be closed with an end date, and loaded versions
/// are never rewritten.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    request_body = CatalogFile,
    responses(
        (status = 200, description = "What changed", body = LoadReport),
        (status = 403, description = "Not a headquarters administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad versions, all listed; nothing loaded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/catalog")]
pub async fn load_catalog(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    body: JsonBody<CatalogFile>,
) -> ApiResult<web::Json<LoadReport>> {
    let file = body.into_inner();
    Ok(web::Json(
        state
            .db(move |c| catalog_store::load(c, &caller.actor, &file))
            .await?,
    ))
}

fn context(state: &AppState) -> Context<'_> {
    Context {
        keys: &state.signing_keys,
        prefix: &state.settings.ticket_prefix,
        public_url: &state.settings.public_url,
    }
}

/// Run every rule on a ticket without issuing it: errors, warnings to
/// acknowledge, the plate as it will print, the due date.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    request_body = TicketInput,
    responses((status = 200, description = "What the rules say", body = CheckResult))
)]
#[post("/tickets/check")]
pub async fn check_ticket(
    state: web::Data<AppState>,
    Police(_caller): Police,
    body: JsonBody<TicketInput>,
) -> ApiResult<web::Json<CheckResult>> {
    let input = body.into_inner();
    Ok(web::Json(state.db(move |c| check::check(c, &input)).await?))
}

/// Issue a ticket: validated, numbered, stored immutably, audited. Errors
/// block (422 `validation_failed`); warnings must be acknowledged (422
/// `warnings_unacknowledged`). The same `client_id` again replays the answer.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    request_body = TicketInput,
    responses(
        (status = 201, description = "Issued", body = TicketView),
        (status = 200, description = "Already issued: the first answer again", body = TicketView),
        (status = 409, description = "`number_used`, `client_id_conflict`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every bad field, or the warnings to acknowledge", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets")]
pub async fn issue_ticket(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<TicketInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let view = state
        .blocking(move |s| issue::issue(&mut *s.conn()?, &caller.actor, &context(s), &input))
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
    security(("bearer" = [])),
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
            let scope = crate::visibility::police_list_scope(&caller.actor)?;
            let rows = super::store::list(
                &mut conn,
                scope.within_path(),
                scope.author(),
                page.after,
                page.limit()?,
            )?;
            let ctx = context(s);
            let views = rows
                .into_iter()
                .map(|r| view::view(&mut conn, &ctx, r))
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(Page::from_rows(views, page.limit()?, |v: &TicketView| v.id))
        })
        .await?;
    Ok(web::Json(result))
}

/// One ticket version.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
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
    id: web::Path<i64>,
) -> ApiResult<web::Json<TicketView>> {
    let id = id.into_inner();
    let view = state
        .blocking(move |s| {
            let mut conn = s.conn()?;
            let row = view::get_readable(&mut conn, &caller.actor, id)?;
            view::view(&mut conn, &context(s), row)
        })
        .await?;
    Ok(web::Json(view))
}

/// Void a ticket whose recipient has no copy yet (a reason is required);
/// otherwise correct it.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
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
    id: web::Path<i64>,
    body: JsonBody<VoidInput>,
) -> ApiResult<web::Json<TicketView>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(web::Json(
        state
            .blocking(move |s| void::void(&mut *s.conn()?, &caller.actor, &context(s), id, &input))
            .await?,
    ))
}

/// Correct a ticket: a new version with the same number, pointing at the
/// one it replaces, with the type of error it fixes.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
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
    id: web::Path<i64>,
    body: JsonBody<CorrectionInput>,
) -> ApiResult<HttpResponse> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let view = state
        .blocking(move |s| {
            correct::correct(&mut *s.conn()?, &caller.actor, &context(s), id, &input)
        })
        .await?;
    Ok(if view.replayed {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created().json(view)
    })
}

/// Allot a block of ticket numbers to the calling handheld (`X-Device-Id`)
/// for writing tickets without signal.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    request_body = BlockRequest,
    responses(
        (status = 201, description = "The caller's blocks, with the new one", body = BlocksView),
        (status = 400, description = "No X-Device-Id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/ticket-blocks")]
pub async fn allot_block(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<BlockRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let view = state
        .blocking(move |s| {
            numbering::allot_block(&mut *s.conn()?, &caller.actor, &context(s), &req)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The caller's number blocks and how many numbers are left (`low` when
/// it is time for a new block).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    responses((status = 200, description = "Blocks", body = BlocksView))
)]
#[get("/ticket-blocks")]
pub async fn list_blocks(
    state: web::Data<AppState>,
    Police(caller): Police,
) -> ApiResult<web::Json<BlocksView>> {
    Ok(web::Json(
        state
            .blocking(move |s| numbering::blocks(&mut *s.conn()?, &caller.actor, &context(s)))
            .await?,
    ))
}

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

/// Printer-ready bytes of a ticket for the handheld to forward over
/// Bluetooth (`escpos`, `zpl`, `cpcl`), a PNG preview of exactly that print,
/// or a PDF archive copy. All come from one layout.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
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
    id: web::Path<i64>,
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
            let view = {
                let mut conn = s.conn()?;
                let row = view::get_readable(&mut conn, &caller.actor, id)?;
                view::view(&mut conn, &context(s), row)?
            };
            super::print::render(&view, q.format, width)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(printed.content_type)
        .body(printed.bytes))
}
