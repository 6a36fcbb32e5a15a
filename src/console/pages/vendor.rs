//! Vendor staff's own figures (today and this month: entries, values found
//! wrong, accuracy) and the vendors' monthly statements against their
//! contract caps. Vendor staff see their own vendor's statement only, as
//! `contracts::statement` decides; police supervisors see every vendor's.

use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, Duration, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;

use crate::console::format::{money, thousands};
use crate::console::layout::month_input;
use crate::console::layout::{nothing_row, ok, page};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::contracts::statement::Statement;
use crate::domain::time::{from_taiwan, month_key, taiwan_date};
use crate::quality::personal::{self, PersonalFigures};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct MonthForm {
    month: Option<String>,
}

fn pct(r: f64) -> String {
    format!("{:.2}%", r * 100.0)
}

fn figures_card(id: &str, title: &str, f: &PersonalFigures) -> Markup {
    html! {
        div.card id=(id) {
            div { (title) }
            div.big { (f.entries) " 件" }
            div { "被發現有誤 " (f.entries_found_wrong) " 件，正確率 " span.accuracy { (pct(f.accuracy())) } }
            div.muted { "送出前被規則攔下 " (f.caught_before_submission) " 處（不計入正確率）" }
        }
    }
}

fn statement_table(statements: &[Statement]) -> Markup {
    html! {
        table #statements {
            thead { tr { th { "廠商" } th.num { "本月件數" } th.num { "本月金額" } th.num { "年度累計件數" } th.num { "剩餘件數" } th.num { "剩餘金額" } th { "警示" } } }
            tbody {
                @for s in statements {
                    tr {
                        td { (s.vendor_name) }
                        td.num { (thousands(s.tickets)) } td.num { (money(s.amount)) }
                        td.num { (thousands(s.year_to_date_tickets)) }
                        td.num { (thousands(s.tickets_left)) } td.num { (money(s.amount_left)) }
                        td {
                            @if s.contract.is_none() { span.warn { "無有效合約" } }
                            @for w in &s.warnings {
                                span.warn { (if w.cap == "tickets" { "件數" } else { "金額" }) "已達上限 " (format!("{:.0}%", w.reached * 100.0)) } " "
                            }
                        }
                    }
                } @if statements.is_empty() { (nothing_row(7)) }
            }
        }
    }
}

#[get("/vendor")]
pub async fn vendor_page(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<MonthForm>,
) -> PageResult<HttpResponse> {
    let now = state.clock.now();
    let today = taiwan_date(now);
    let month = query
        .month
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .map_or_else(
            || month_key(today),
            |m| crate::console::format::parse_month(m).unwrap_or_else(|| m.to_owned()),
        );
    let first = crate::domain::time::parse_month(&month)
        .ok_or(crate::error::ApiError::field("month", "format", "YYYY-MM"))?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    let start_of = move |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(from_taiwan).unwrap_or(now);
    let actor = who.actor().clone();
    let me = who.caller.user_id;
    let is_vendor = actor.role.is_vendor();
    let wanted = month.clone();
    let (day, period, statements) = state
        .db(move |c| {
            let day =
                personal::figures(c, me, start_of(today), start_of(today + Duration::days(1)))?;
            let period = personal::figures(c, me, start_of(first), start_of(next))?;
            let vendors: Vec<crate::domain::VendorId> = match actor.vendor_id {
                Some(v) => vec![v],
                None => crate::org::vendors::list(c, &actor)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|v| v.id)
                    .collect(),
            };
            let mut statements = Vec::new();
            for v in vendors {
                if let Ok(s) = crate::contracts::statement::statement(c, &actor, v, &wanted) {
                    statements.push(s);
                }
            }
            Ok((day, period, statements))
        })
        .await?;
    let month_label = format!("{} 年 {} 月", first.year() - 1911, first.month());
    Ok(ok(page(
        "工作量與合約",
        &who,
        html! {
            @if is_vendor {
                h1 { "我的工作量" }
                div.cards {
                    (figures_card("today", "今天", &day))
                    (figures_card("this-month", &month_label, &period))
                }
                @if !period.by_field.is_empty() {
                    h2 { "被發現錯誤的欄位（" (month_label) "）" }
                    table #my-fields {
                        thead { tr { th { "欄位" } th.num { "次數" } } }
                        tbody { @for (f, n) in &period.by_field { tr { td { (super::keying::field_name(f)) } td.num { (n) } } } @if period.by_field.is_empty() { (nothing_row(2)) } }
                    }
                }
            }
            h2 { "合約與月結（" (month_label) "）" }
            form.row method="get" action="/vendor" {
                div { label for="m" { "月份" } (month_input("m", "month", &month)) }
                div { button type="submit" { "查詢" } }
            }
            (statement_table(&statements))
            p.muted { "件數與金額上限達 80% 與 95% 時提醒；超過上限的案件退回警察機關自行製單，不再計費。" }
        },
    )))
}
