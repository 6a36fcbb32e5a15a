//! The quality of tickets for supervisors: the error rate against the
//! 0.1% line with its monthly trend, the worst units, the error types, the
//! near misses, the turnaround against the old baselines, the seven major
//! violations against +1%, and the monthly PDF. Every figure comes from the
//! same report functions as the API's `/quality/*` routes.

use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;

use crate::console::layout::month_input;
use crate::console::layout::{nothing_row, ok, page, problems};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::domain::time::{month_key, taiwan_date};
use crate::error::ApiError;
use crate::quality::error_rate::{RateLine, TARGET};
use crate::quality::monthly::major_name;
use crate::quality::reports::{Dashboard, dashboard};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct QualityForm {
    from: Option<String>,
    to: Option<String>,
}

/// 115 年 12 月 — a Taiwan month key (`2026-12`) as people write it.
fn roc_month(key: &str) -> String {
    crate::domain::time::parse_month(key).map_or_else(
        || key.to_owned(),
        |d| format!("{} 年 {} 月", d.year() - 1911, d.month()),
    )
}

/// A tick as a share: 0.05%, 0.1%, 0.15% — as few decimals as it needs.
fn tick_label(r: f64) -> String {
    let text = format!("{:.3}", r * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

fn pct(r: f64) -> String {
    format!("{:.3}%", r * 100.0)
}

fn source_name(key: &str) -> &str {
    crate::tickets::catalog::TicketKind::parse(key).map_or(key, |k| k.label_zh())
}

/// The months as a line against the 0.1% line, drawn inline (no files, no
/// internet); provisional months are drawn hollow.
/// The chart's axis: a round top (1, 2 or 5 × a power of ten, at or above
/// the highest rate and twice the target) and its ticks, four or five of
/// them.
fn axis(highest: f64) -> (f64, Vec<f64>) {
    let want = highest.max(TARGET * 2.0);
    let magnitude = 10f64.powf(want.log10().floor());
    let step = [0.1, 0.2, 0.25, 0.5, 1.0, 2.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| (want / s).ceil() <= 5.0)
        .unwrap_or(magnitude);
    let top = (want / step).ceil() * step;
    let ticks = (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|t| *t <= top + step / 1000.0)
        .collect();
    (top, ticks)
}

fn trend(lines: &[RateLine]) -> Markup {
    let (w, h, left, bottom) = (640.0_f64, 220.0_f64, 56.0_f64, 190.0_f64);
    let (top, ticks) = axis(lines.iter().map(|l| l.rate).fold(0.0, f64::max));
    let n = lines.len().max(1) as f64;
    let x = |i: usize| left + (i as f64 + 0.5) * (w - left - 10.0) / n;
    let y = |r: f64| bottom - r / top * (bottom - 20.0);
    let points: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{:.1},{:.1}", x(i), y(l.rate)))
        .collect();
    html! {
        svg.chart width=(w) height=(h) viewBox=(format!("0 0 {w} {h}")) role="img" aria-label="每月錯誤率與 0.1% 目標" {
            line x1=(left) y1=(bottom) x2=(w - 10.0) y2=(bottom) stroke="#222" {}
            line x1=(left) y1="20" x2=(left) y2=(bottom) stroke="#222" {}
            line x1=(left) y1=(format!("{:.1}", y(TARGET))) x2=(w - 10.0) y2=(format!("{:.1}", y(TARGET))) stroke="#b42318" stroke-dasharray="6 4" {}
            text x=(left + 4.0) y=(format!("{:.1}", y(TARGET) - 4.0)) font-size="11" fill="#b42318" { "目標 0.1%" }
            @for t in &ticks {
                line x1=(left - 4.0) y1=(format!("{:.1}", y(*t))) x2=(left) y2=(format!("{:.1}", y(*t))) stroke="#222" {}
                text x=(left - 6.0) y=(format!("{:.1}", y(*t) + 4.0)) font-size="11" text-anchor="end" { (tick_label(*t)) }
            }
            polyline points=(points.join(" ")) fill="none" stroke="#0b5cad" stroke-width="2" {}
            @for (i, l) in lines.iter().enumerate() {
                circle cx=(format!("{:.1}", x(i))) cy=(format!("{:.1}", y(l.rate))) r="4"
                    fill=(if l.provisional { "#fff" } else { "#0b5cad" }) stroke="#0b5cad" {
                    title { (l.key) "：" (pct(l.rate)) @if l.provisional { "（未定）" } }
                }
                text x=(format!("{:.1}", x(i))) y=(bottom + 16.0) font-size="10" text-anchor="middle" { (l.key.get(5..).unwrap_or(&l.key)) }
            }
        }
    }
}

fn rate_table(id: &str, title: &str, lines: &[RateLine], name: impl Fn(&str) -> String) -> Markup {
    html! {
        h2 { (title) }
        table id=(id) {
            thead { tr { th { "項目" } th.num { "開單" } th.num { "有錯" } th.num { "錯誤率" } th { "" } } }
            tbody {
                @for l in lines {
                    tr {
                        td { (name(&l.key)) }
                        td.num { (l.issued) } td.num { (l.with_error) } td.num { (pct(l.rate)) }
                        td {
                            @if l.meets_target { span.good { "達標" } } @else { span.error { "未達標" } }
                            @if l.provisional { " " span.muted { "（未定）" } }
                        }
                    }
                } @if lines.is_empty() { (nothing_row(5)) }
            }
        }
    }
}

struct Figures {
    dashboard: Dashboard,
    unit_names: std::collections::HashMap<String, String>,
}

#[get("/quality")]
pub async fn quality_page(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<QualityForm>,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let today = taiwan_date(state.clock.now());
    let (from, to) = period(&query, today);
    let actor = who.actor().clone();
    let (f, t) = (from.clone(), to.clone());
    let figures = state
        .db(move |c| {
            let unit_names = super::coverage::units_within(c, &actor)?
                .into_iter()
                .map(|u| (u.id.0.to_string(), u.name))
                .collect();
            Ok(Figures {
                dashboard: dashboard(c, &actor, &f, &t, today.year())?,
                unit_names,
            })
        })
        .await;
    let body = match figures {
        Ok(figures) => quality_view(&figures, &from, &to),
        Err(ApiError::Validation(errors)) => {
            let messages: Vec<String> = errors
                .iter()
                .map(|e| {
                    format!(
                        "{}：{}",
                        month_field(&e.field),
                        crate::console::words::explain(e)
                    )
                })
                .collect();
            html! { h1 { "開單品質" } (period_form(&from, &to)) (problems(&messages)) }
        }
        Err(other) => return Err(other.into()),
    };
    Ok(ok(page("開單品質", &who, body)))
}

/// The months asked for (typed as 115/12 or 2026-12; what cannot be read
/// is passed on and refused by the report), by default the last year.
fn period(query: &QualityForm, today: NaiveDate) -> (String, String) {
    let year_ago = NaiveDate::from_ymd_opt(today.year() - 1, today.month(), 1).unwrap_or(today);
    let typed = |m: &Option<String>| {
        m.as_deref()
            .filter(|m| !m.trim().is_empty())
            .map(|m| crate::console::format::parse_month(m).unwrap_or_else(|| m.to_owned()))
    };
    (
        typed(&query.from).unwrap_or_else(|| month_key(year_ago)),
        typed(&query.to).unwrap_or_else(|| month_key(today)),
    )
}

fn month_field(field: &str) -> &str {
    match field {
        "from" => "開單月份自",
        "to" => "開單月份至",
        other => other,
    }
}

/// The page's figures: cards, the trend, the tables.
fn quality_view(figures: &Figures, from: &str, to: &str) -> Markup {
    let unit = |key: &str| {
        figures
            .unit_names
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    };
    let d = &figures.dashboard;
    let o = &d.overall;
    let e = &d.enforcement;
    html! {
        h1 { "開單品質" }
        (period_form(from, to))
        p { a href=(format!("/quality/monthly.pdf?month={to}")) { "下載 " (roc_month(to)) "月報（PDF）" } }
        div.cards {
            div.card { div { "錯誤率（目標 0.1%）" } div.big #error-rate { (pct(o.rate)) } div { @if o.meets_target { span.good { "達標" } } @else { span.error { "未達標" } } } }
            div.card { div { "開單" } div.big #issued { (o.issued) } }
            div.card { div { "有錯" } div.big { (o.with_error) } }
            div.card { div { "開單前攔下" } div.big #near-misses { (d.misses_by_unit.total) } }
        }
        h2 { "每月趨勢" }
        (trend(&d.by_month.lines))
        p.muted { "空心點為未定月份：開單後 90 天內仍可能發現錯誤。" }
        (rate_table("worst-units", "單位（最差在前）", &d.by_unit.lines, unit))
        (rate_table("error-types", "錯誤類型", &d.by_type.lines, |k| crate::tickets::model::ErrorType::parse(k).map_or(k, |t| t.label_zh()).to_owned()))
        (rate_table("by-source", "來源", &o.lines, |k| source_name(k).to_owned()))
        h2 { "開單前攔下的錯誤" }
        div.row {
            table #misses-by-unit {
                thead { tr { th { "單位" } th.num { "件數" } } }
                tbody { @for l in &d.misses_by_unit.lines { tr { td { (unit(&l.key)) } td.num { (l.count) } } } @if d.misses_by_unit.lines.is_empty() { (nothing_row(2)) } }
            }
            table #misses-by-field {
                thead { tr { th { "欄位" } th.num { "件數" } } }
                tbody { @for l in &d.misses_by_field.lines { tr { td { (super::keying::field_name(&l.key)) } td.num { (l.count) } } } @if d.misses_by_field.lines.is_empty() { (nothing_row(2)) } }
            }
        }
        h2 { "處理天數（目標 " (d.turnaround.target_days) " 天內）" }
        table #turnaround {
            thead { tr { th { "來源" } th.num { "件數" } th.num { "違規至開單中位數" } th.num { "第 90 百分位" } th.num { "14 天內" } th.num { "收件至開單中位數" } th.num { "過去" } } }
            tbody {
                @for l in &d.turnaround.lines {
                    tr {
                        td { (source_name(&l.key)) } td.num { (l.tickets) }
                        td.num { (format!("{:.1} 天", l.from_violation.median_days)) }
                        td.num { (format!("{:.1} 天", l.from_violation.p90_days)) }
                        td.num { (format!("{:.0}%", l.from_violation.within_target * 100.0)) }
                        td.num { (format!("{:.1} 天", l.from_intake.median_days)) }
                        td.num { @if let Some(b) = l.baseline_days { (format!("{b:.0} 天")) } @else { "—" } }
                    }
                } @if d.turnaround.lines.is_empty() { (nothing_row(7)) }
            }
        }
        h2 { (e.year) " 年七大違規（目標較前一年 +1%）" }
        table #enforcement {
            thead { tr { th { "違規" } th.num { (e.year) } th.num { (e.year - 1) } th.num { "目標" } th { "" } } }
            tbody {
                @for l in std::iter::once(&e.total).chain(e.by_violation.iter()) {
                    tr {
                        td { @if l.key == "all" { "合計" } @else { (major_name(&l.key)) } }
                        td.num { (l.this_year) } td.num { (l.previous_year) } td.num { (format!("{:.0}", l.target)) }
                        td { @if l.meets_target { span.good { "達標" } } @else { span.error { "未達標" } } }
                    }
                }
            }
        }
    }
}

fn period_form(from: &str, to: &str) -> Markup {
    html! {
        form.row method="get" action="/quality" {
            div { label for="q-from" { "開單月份自" } (month_input("q-from", "from", from)) }
            div { label for="q-to" { "至" } (month_input("q-to", "to", to)) }
            div { button type="submit" { "查詢" } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct MonthForm {
    month: String,
}

#[get("/quality/monthly.pdf")]
pub async fn monthly_pdf(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<MonthForm>,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let month = query.into_inner().month;
    let name = format!("quality-{month}.pdf");
    let actor = who.actor().clone();
    let pdf = state
        .blocking(move |s| crate::quality::monthly::report_pdf(&mut *s.conn()?, &actor, &month))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(pdf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_tick() {
        // The highest month at 0.2%: the axis reads 0, 0.05, … 0.2%.
        let (top, ticks) = axis(0.002);
        assert!((top - 0.002).abs() < 1e-12);
        let labels: Vec<String> = ticks.iter().map(|t| tick_label(*t)).collect();
        assert_eq!(labels, ["0%", "0.05%", "0.1%", "0.15%", "0.2%"]);
        // Nothing wrong yet: the target still sets the scale.
        assert_eq!(axis(0.0).0, axis(0.002).0);
        // A bad year: 0.37% rounds up to 0.4%.
        let (top, ticks) = axis(0.0037);
        assert!((top - 0.004).abs() < 1e-12);
        assert_eq!(tick_label(*ticks.last().unwrap()), "0.4%");
        assert!(ticks.len() <= 6);
    }
}
