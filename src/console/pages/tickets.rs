//! Tickets: search by number, plate, date and unit; one ticket with its
//! versions and events. Scoped as the API scopes them: officers their own,
//! supervisors their units'.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, get, web};
use chrono::NaiveDate;
use maud::html;
use serde::Deserialize;

use super::keying::class_name;
use crate::console::format::{roc_short, roc_short_utc};
use crate::console::layout::day_input;
use crate::console::layout::{html_response, nothing_row, ok, page, problems};
use crate::console::page_error::{PageResult, explain};
use crate::console::session::Browser;
use crate::domain::TicketId;
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::tickets::search::{Criteria, search};
use crate::tickets::view::TicketStatus;

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    plate: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn status_name(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::Issued => "有效",
        TicketStatus::Voided => "已撤銷",
        TicketStatus::Superseded => "已更正",
    }
}

fn day(s: &str) -> Option<NaiveDate> {
    crate::console::format::parse_day(s)
}

#[get("/tickets")]
pub async fn ticket_search(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<SearchQuery>,
) -> PageResult<HttpResponse> {
    let q = query.into_inner();
    let actor = who.actor().clone();
    let criteria = Criteria {
        number: q.number.clone(),
        plate: q.plate.clone(),
        from: day(&q.from),
        to: day(&q.to),
        limit: 100,
    };
    let rows = state.db(move |c| search(c, &actor, &criteria)).await?;
    Ok(ok(page(
        "舉發單",
        &who,
        html! {
            h1 { "舉發單查詢" }
            form.row method="get" action="/tickets" role="search" {
                div { label for="number" { "單號" } input #number type="text" name="number" value=(q.number) data-autofocus; }
                div { label for="plate" { "車牌" } input #plate type="text" name="plate" value=(q.plate); }
                div { label for="from" { "違規日期自" } (day_input("from", "from", &q.from, false)) }
                div { label for="to" { "至" } (day_input("to", "to", &q.to, false)) }
                div { button type="submit" { "查詢" } }
            }
            p.muted { "最多列出最新 100 筆。" }
            table {
                thead { tr { th { "單號" } th { "版本" } th { "車牌" } th { "條款" } th { "違規時間" } th { "罰鍰" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { a href=(format!("/tickets/{}", r.id.0)) { (r.number) } }
                            td.num { (r.version) }
                            td { (r.plate.as_str()) }
                            td { (r.article_code) }
                            td { (roc_short(r.violation_at)) }
                            td.num { (crate::console::format::money(i64::from(r.fine))) }
                        }
                    } @if rows.is_empty() { (nothing_row(6)) }
                }
            }
            @if rows.is_empty() { p { "沒有符合的舉發單。" } }
        },
    )))
}

#[get("/tickets/{id}")]
pub async fn ticket_page(
    state: web::Data<AppState>,
    who: Browser,
    id: web::Path<i64>,
) -> PageResult<HttpResponse> {
    let id = TicketId(id.into_inner());
    render(&state, &who, id, StatusCode::OK, &[], &[], &[]).await
}

/// The ticket again after a refused void or correction, with what was
/// wrong and what was typed.
pub async fn refused(
    state: &AppState,
    who: &Browser,
    id: TicketId,
    typed: &[(String, String)],
    error: ApiError,
) -> PageResult<HttpResponse> {
    let (status, problems, warnings) = match error {
        ApiError::Validation(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new()),
        ApiError::Unacknowledged(warnings) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), warnings)
        }
        e @ (ApiError::Conflict { .. } | ApiError::Rejected { .. }) => {
            let message = explain(&e);
            (
                e.status_code(),
                vec![FieldError::new("ticket", "refused", message)],
                Vec::new(),
            )
        }
        other => return Err(other.into()),
    };
    let messages: Vec<String> = problems
        .iter()
        .map(|e| match e.field.as_str() {
            "ticket" => crate::console::words::explain(e),
            f => format!(
                "{}：{}",
                super::keying::field_name(f),
                crate::console::words::explain(e)
            ),
        })
        .collect();
    render(state, who, id, status, &messages, typed, &warnings).await
}

async fn render(
    state: &AppState,
    who: &Browser,
    id: TicketId,
    status: StatusCode,
    messages: &[String],
    typed: &[(String, String)],
    warnings: &[FieldError],
) -> PageResult<HttpResponse> {
    let actor = who.actor().clone();
    let (ticket, events) = state
        .blocking(move |s| {
            let mut conn = s.conn()?;
            let (row, events) = crate::tickets::search::with_events(&mut conn, &actor, id)?;
            let view =
                crate::tickets::view::view(&mut conn, &crate::tickets::view::Context::of(s), row)?;
            Ok((view, events))
        })
        .await?;
    Ok(html_response(
        status,
        page(
            &ticket.number,
            who,
            html! {
                h1 { "舉發單 " (ticket.number) "（第 " (ticket.version) " 版，" span #ticket-status { (status_name(ticket.status)) } "）" }
                (problems(messages))
                table {
                    tr { th { "車牌" } td #ticket-plate { (ticket.plate.as_str()) } }
                    tr { th { "車種" } td { (class_name(ticket.vehicle_class)) } }
                    tr { th { "違規時間" } td { (roc_short_utc(ticket.violation_at)) } }
                    tr { th { "地點" } td { (ticket.place) } }
                    tr { th { "違規條款" } td { (ticket.article_code) " " (ticket.article) } }
                    tr { th { "違規事實" } td { (ticket.facts) } }
                    tr { th { "罰鍰" } td { "新臺幣 " (crate::tickets::catalog::report::money(ticket.fine)) " 元" } }
                    @if let Some(sp) = ticket.speed { tr { th { "測速" } td { "限速 " (sp.limit_kmh) " 公里，實速 " (sp.measured_kmh) " 公里" } } }
                    @if ticket.crash.is_some() { tr { th { "肇事" } td { "致人受傷或死亡" } } }
                    tr { th { "被通知人" } td #ticket-recipient { (ticket.recipient.label_zh()) } }
                    tr { th { "應到案日期" } td { (crate::domain::time::roc_date(ticket.due_date)) } }
                    tr { th { "應到案處所" } td { (ticket.respond_to) } }
                    tr { th { "舉發單位" } td { (ticket.issuing_unit) } }
                    tr { th { "舉發員警" } td { (ticket.officer_badge) } }
                    @if let Some(owner) = &ticket.owner { tr { th { "車主" } td { (owner.name) } } }
                    @if let Some(g) = &ticket.guardian { tr { th { "法定代理人或監護人" } td { (g.name) } } }
                    tr { th { "簽收" } td { (crate::tickets::print::signature_text(&ticket.signature)) } }
                    tr { th { "開單時間" } td { (roc_short_utc(ticket.issued_at)) } }
                    @if let Some(e) = ticket.error_type { tr { th { "更正類型" } td { (super::ticket_actions::error_type_name(e)) } } }
                }
                h2 { "紀錄" }
                ul {
                    @for (event, reason, at) in &events {
                        li { (roc_short(*at)) " " (event) @if !reason.is_empty() { "：" (reason) } }
                    }
                }
                p { a href=(format!("/tickets?number={}", ticket.number)) { "此單號的所有版本" } }
                (super::ticket_actions::action_forms(who, &ticket, typed, warnings))
                @if crate::auth::Supervisor::ROLES.contains(&who.actor().role) {
                    p { a.button href="/work/review" { "下一件審核案件" } }
                }
            },
        ),
    ))
}
