//! Patrol plans for supervisors: the list, a new plan (boxes, officers,
//! days and windows), retiring one, and a preview of the visits it expects
//! over a period, all through the same plan services as the API.

use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;

use crate::console::CsrfForm;
use crate::console::format::{roc_short_date, roc_short_utc};
use crate::console::layout::day_input;
use crate::console::layout::{csrf_field, nothing_row, ok, page, problems, see_other};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::domain::PlanId;
use crate::domain::time::taiwan_date;
use crate::error::{ApiError, FieldError};
use crate::patrol::plans::{PeriodQuery, PlanListQuery, PlanView, Weekday};
use crate::state::AppState;

mod form;
use form::page_of;
pub use form::{create_plan, new_plan_page};

pub fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "一",
        Weekday::Tue => "二",
        Weekday::Wed => "三",
        Weekday::Thu => "四",
        Weekday::Fri => "五",
        Weekday::Sat => "六",
        Weekday::Sun => "日",
    }
}

pub(super) fn weekday_value(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

fn days_text(days: &[Weekday]) -> String {
    if days.len() == 7 {
        return "每日".into();
    }
    let names: Vec<&str> = days.iter().map(|d| weekday_name(*d)).collect();
    format!("週{}", names.join("、"))
}

fn field_label(field: &str) -> &str {
    match field.split('[').next().unwrap_or(field) {
        "unit_id" => "單位",
        "name" => "名稱",
        "starts_on" => "開始日期",
        "ends_on" => "結束日期",
        "weekdays" => "星期",
        "window_start" => "時段開始",
        "window_end" => "時段結束",
        "visits_per_window" => "每時段巡簽次數",
        "grace_minutes" => "寬限分鐘",
        "officer_ids" => "員警",
        "box_ids" => "巡邏箱",
        other => other,
    }
}

pub(super) fn messages(errors: &[FieldError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            format!(
                "{}：{}",
                field_label(&e.field),
                crate::console::words::explain(e)
            )
        })
        .collect()
}

fn plan_rows(plans: &[PlanView]) -> Markup {
    html! {
        table {
            thead { tr { th { "名稱" } th { "單位" } th { "期間" } th { "星期" } th { "時段" } th.num { "次數" } th.num { "員警" } th.num { "巡邏箱" } th { "狀態" } } }
            tbody {
                @for p in plans {
                    tr {
                        td { a href=(format!("/plans/{}", p.id.0)) { (p.name) } }
                        td { (p.unit.name) }
                        td { (roc_short_date(p.starts_on)) " – " (roc_short_date(p.ends_on)) }
                        td { (days_text(&p.weekdays)) }
                        td { (p.window_start) "–" (p.window_end) }
                        td.num { (p.visits_per_window) }
                        td.num { (p.officers.len()) }
                        td.num { (p.boxes.len()) }
                        td { @if p.retired { "已停用" } @else { "使用中" } }
                    }
                } @if plans.is_empty() { (nothing_row(9)) }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ListForm {
    #[serde(default)]
    include_retired: bool,
}

#[get("/plans")]
pub async fn plans_page(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<ListForm>,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let include_retired = query.include_retired;
    let plans = state
        .db(move |c| {
            let q = PlanListQuery { include_retired };
            crate::patrol::plans::list(c, &actor, &q, page_of(500))
        })
        .await?;
    Ok(ok(page(
        "巡邏計畫",
        &who,
        html! {
            h1 { "巡邏計畫" }
            p {
                a.button href="/plans/new" { "新增巡邏計畫" } " "
                @if include_retired { a href="/plans" { "只看使用中" } }
                @else { a href="/plans?include_retired=true" { "含已停用" } }
            }
            @if plans.items.is_empty() { p.muted { "尚無巡邏計畫。" } }
            @else { (plan_rows(&plans.items)) }
        },
    )))
}

#[derive(Debug, Deserialize)]
pub struct PreviewForm {
    #[serde(default, deserialize_with = "crate::console::format::day_opt")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::console::format::day_opt")]
    to: Option<NaiveDate>,
}

/// How many windows the preview lists; the totals count them all.
const PREVIEW_WINDOWS: usize = 60;

#[get("/plans/{id}")]
pub async fn plan_page(
    state: web::Data<AppState>,
    who: Browser,
    path: web::Path<i64>,
    query: web::Query<PreviewForm>,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let id = PlanId(path.into_inner());
    let today = taiwan_date(state.clock.now());
    let from = query.from.unwrap_or(today);
    let to = query.to.unwrap_or(from + Duration::days(6));
    let actor = who.actor().clone();
    let (plan, expected) = state
        .db(move |c| {
            let plan = crate::patrol::plans::get(c, &actor, id)?;
            let expected = crate::patrol::plans::expected(c, &actor, id, &PeriodQuery { from, to });
            Ok((plan, expected))
        })
        .await?;
    // One row per window: who owes how many visits at how many boxes.
    let mut windows: Vec<(
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        i64,
    )> = Vec::new();
    let (mut total, mut preview_error) = (0i64, Vec::new());
    match &expected {
        Ok(visits) => {
            for v in visits {
                total += i64::from(v.visits);
                match windows.last_mut() {
                    Some(w) if w.0 == v.window_start => w.2 += i64::from(v.visits),
                    _ => windows.push((v.window_start, v.window_end, i64::from(v.visits))),
                }
            }
        }
        Err(ApiError::Validation(errors)) => preview_error = messages(errors),
        Err(other) => preview_error = vec![other.to_string()],
    }
    let window_count = windows.len();
    Ok(ok(page(
        &plan.name,
        &who,
        html! {
            h1 { "巡邏計畫：" (plan.name) }
            dl.facts {
                dt { "單位" } dd { (plan.unit.name) }
                dt { "期間" } dd { (roc_short_date(plan.starts_on)) " – " (roc_short_date(plan.ends_on)) }
                dt { "星期" } dd { (days_text(&plan.weekdays)) }
                dt { "時段" } dd { (plan.window_start) "–" (plan.window_end) "，每時段 " (plan.visits_per_window) " 次，寬限 " (plan.grace_minutes) " 分鐘" @if plan.ordered { "，依序巡簽" } }
                dt { "員警" } dd { @for o in &plan.officers { span.tag { (o.code) } " " } }
                dt { "巡邏箱" } dd { @for b in &plan.boxes { span.tag { (b.code) } " " } }
                dt { "狀態" } dd #plan-status { @if plan.retired { "已停用" } @else { "使用中" } }
            }
            @if !plan.retired {
                form method="post" action=(format!("/plans/{}/retire", plan.id.0)) {
                    (csrf_field(&who))
                    button.secondary type="submit" { "停用此計畫" }
                }
            }
            h2 { "應巡預覽" }
            form.row method="get" action=(format!("/plans/{}", plan.id.0)) {
                div { label for="pv-from" { "自" } (day_input("pv-from", "from", &roc_short_date(from), false)) }
                div { label for="pv-to" { "至" } (day_input("pv-to", "to", &roc_short_date(to), false)) }
                div { button type="submit" { "預覽" } }
            }
            (problems(&preview_error))
            p #plan-expected { (window_count) " 個時段，共應巡 " (total) " 次。" }
            table {
                thead { tr { th { "時段開始" } th { "時段結束" } th.num { "應巡次數" } } }
                tbody {
                    @for (start, end, visits) in windows.iter().take(PREVIEW_WINDOWS) {
                        tr { td { (roc_short_utc(*start)) } td { (roc_short_utc(*end)) } td.num { (visits) } }
                    } @if windows.is_empty() { (nothing_row(3)) }
                }
            }
            @if window_count > PREVIEW_WINDOWS { p.muted { "僅列出前 " (PREVIEW_WINDOWS) " 個時段。" } }
        },
    )))
}

#[post("/plans/{id}/retire")]
pub async fn retire_plan(
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm { who, .. }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let id = PlanId(path.into_inner());
    let actor = who.actor().clone();
    state
        .db(move |c| crate::patrol::plans::retire(c, &actor, id))
        .await?;
    Ok(see_other(&format!("/plans/{}", id.0)))
}
