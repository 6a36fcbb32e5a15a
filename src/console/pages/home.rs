//! The first page after sign-in, by role: supervisors see today's patrol
//! coverage of their unit and what waits for them; vendor staff the claim
//! of their step's next case.

use actix_web::{HttpResponse, get, web};
use maud::html;

use super::work::{claim_button, step_name};
use crate::cases::status::Step;
use crate::console::layout::{ok, page};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::domain::Role;
use crate::domain::time::taiwan_date;
use crate::patrol::plans::PeriodQuery;
use crate::state::AppState;

#[get("/")]
pub async fn home(state: web::Data<AppState>, who: Browser) -> PageResult<HttpResponse> {
    let role = who.actor().role;
    let step = match role {
        Role::VendorKeyer => Some(Step::Keying),
        Role::VendorVerifier => Some(Step::Verification),
        Role::VendorSupervisor => Some(Step::Resolution),
        _ => None,
    };
    if let Some(step) = step {
        return Ok(ok(page(
            "首頁",
            &who,
            html! {
                h1 { (who.name) "，您好" }
                h2 { (step_name(step)) }
                (claim_button(&who, step))
            },
        )));
    }
    if role == Role::Officer {
        return Ok(ok(page(
            "首頁",
            &who,
            html! { h1 { (who.name) "，您好" } p { a href="/tickets" { "查詢我開立的舉發單" } } },
        )));
    }
    let actor = who.actor().clone();
    let today = taiwan_date(state.clock.now());
    let (report, waiting) = state
        .db(move |c| {
            let unit = actor
                .unit_id
                .ok_or(crate::error::ApiError::Forbidden("role_not_allowed"))?;
            let report = crate::patrol::coverage::report(
                c,
                &actor,
                unit,
                &PeriodQuery {
                    from: today,
                    to: today,
                },
            )?;
            let waiting = crate::patrol::checkins::waiting_reviews(c, &actor)?.len();
            Ok((report, waiting))
        })
        .await?;
    let t = &report.totals;
    Ok(ok(page(
        "首頁",
        &who,
        html! {
            h1 { (report.unit.name) " 今日巡邏（" (crate::domain::time::roc_date(today)) "）" }
            div.cards {
                div.card { div { "應巡" } div.big { (t.expected) } }
                div.card { div { "已巡（準時／遲到）" } div.big { (t.on_time + t.late) } div.muted { (t.on_time) "／" (t.late) } }
                div.card { div { "至今未巡" } div.big.error { (t.missed) } }
                div.card { div { "涵蓋率" } div.big { (format!("{:.1}%", t.coverage_pct)) } }
                div.card { div { "待審巡簽" } div.big { a href="/checkins/flagged" { (waiting) } } }
            }
            @if !report.misses.is_empty() {
                h2 { "未巡的時段" }
                table {
                    thead { tr { th { "巡邏箱" } th { "員警" } th { "時段" } th.num { "缺" } } }
                    tbody {
                        @for m in &report.misses {
                            tr {
                                td { (m.box_code) } td { (m.badge) }
                                td { (crate::console::format::roc_short_utc(m.window_start)) " – " (crate::console::format::roc_short_utc(m.window_end)) }
                                td.num { (m.missing) }
                            }
                        }
                    }
                }
            }
            p { a.button href="/work/review" { "審核案件" } " " a href="/coverage" { "涵蓋率報表" } }
        },
    )))
}
