//! The first page after sign-in, by role: supervisors see their unit's day
//! (today's windows, done, open, due and missed, and the check-ins waiting
//! for them); vendor staff the claim of their step's next case.

use actix_web::{HttpResponse, get, web};
use maud::{Markup, html};

use super::work::{claim_button, step_name};
use crate::cases::status::Step;
use crate::console::format::hhmm_utc;
use crate::console::layout::nothing_row;
use crate::console::layout::{ok, page};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::domain::Role;
use crate::domain::time::{roc_date, taiwan_date};
use crate::patrol::today::{TodayWindow, WindowState};
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
    let now = state.clock.now();
    let day = state
        .db(move |c| {
            let unit = actor
                .unit_id
                .ok_or(crate::error::ApiError::Forbidden("role_not_allowed"))?;
            Ok(SupervisorsDay {
                unit: crate::org::units::get(c, &actor, unit)?.name,
                windows: crate::patrol::today::windows_today(c, &actor, unit, now.and_utc())?,
                waiting: crate::patrol::checkins::waiting_reviews(c, &actor)?.len(),
            })
        })
        .await?;
    Ok(ok(page(
        "首頁",
        &who,
        supervisors_day(&day, taiwan_date(now)),
    )))
}

/// What a supervisor's morning starts from.
struct SupervisorsDay {
    unit: String,
    windows: Vec<TodayWindow>,
    waiting: usize,
}

fn count(windows: &[TodayWindow], state: WindowState) -> usize {
    windows.iter().filter(|w| w.state == state).count()
}

/// Today's windows of the unit: done, open now, due later and missed so
/// far, each with its box and officers; the check-ins waiting for review.
fn supervisors_day(d: &SupervisorsDay, today: chrono::NaiveDate) -> Markup {
    let cards = [
        ("open-now", WindowState::OpenNow, "進行中"),
        ("due-later", WindowState::DueLater, "稍後應巡"),
        ("missed", WindowState::Missed, "至今未巡"),
        ("done", WindowState::Done, "已完成"),
    ];
    html! {
        h1 { (d.unit) " 今日巡邏（" (roc_date(today)) "）" }
        div.cards {
            @for (id, state, label) in cards {
                div.card id=(id) { div { (label) } div.big.error[state == WindowState::Missed && count(&d.windows, state) > 0] { (count(&d.windows, state)) } }
            }
            div.card { div { "待審巡簽" } div.big { a #waiting href="/checkins/flagged" { (d.waiting) } } }
        }
        h2 { "今日各時段" }
        table #today-windows {
            thead { tr { th { "狀態" } th { "時段" } th { "巡邏箱" } th { "員警" } th.num { "已巡／應巡" } } }
            tbody {
                @for w in &d.windows {
                    tr class=(format!("state-{:?}", w.state).to_lowercase()) {
                        td { (w.state.name_zh()) }
                        td { (hhmm_utc(w.start)) "–" (hhmm_utc(w.end)) }
                        td { (w.box_code) " " (w.box_name) }
                        td { @for (i, (badge, name)) in w.officers.iter().enumerate() { @if i > 0 { "、" } (badge) " " (name) } }
                        td.num { (w.visits) "／" (w.required) }
                    }
                }
                @if d.windows.is_empty() { (nothing_row(5)) }
            }
        }
        p { a.button href="/work/review" { "審核案件" } " " a href="/coverage" { "涵蓋率報表" } }
    }
}
