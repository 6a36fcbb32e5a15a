//! Patrol coverage of a unit over a period: the tables, the boxes on a
//! plain map coloured by coverage, and the same CSV and PDF exports as the
//! API (the same report function).

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use crate::console::format::{pct_of, roc_short_date};
use crate::console::layout::{day_input, nothing_row, ok, page};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::db::DbConn;
use crate::domain::time::taiwan_date;
use crate::domain::{Actor, UnitId};
use crate::error::{ApiError, ApiResult};
use crate::org::directory::{UnitFilter, UnitRow};
use crate::patrol::boxes::BoxView;
use crate::patrol::coverage::{CoverageLine, CoverageReport};
use crate::patrol::plans::PeriodQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct CoverageForm {
    unit_id: Option<i64>,
    #[serde(default, deserialize_with = "crate::console::format::day_opt")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::console::format::day_opt")]
    to: Option<NaiveDate>,
    #[serde(default)]
    format: String,
}

fn lines(title: &str, rows: &[CoverageLine]) -> Markup {
    html! {
        h2 { (title) }
        table {
            thead { tr { th { "代碼" } th { "名稱" } th.num { "應巡" } th.num { "準時" } th.num { "遲到" } th.num { "未巡" } th.num { "待審" } th.num { "涵蓋率" } } }
            tbody {
                @for l in rows {
                    tr {
                        td { (l.code) } td { (l.name) }
                        td.num { (l.expected) } td.num { (l.on_time) } td.num { (l.late) }
                        td.num { (l.missed) } td.num { (l.flagged) } td.num { (pct_of(l.expected, l.coverage_pct)) }
                    }
                } @if rows.is_empty() { (nothing_row(8)) }
            }
        }
    }
}

/// Red below 80%, amber below 95%, green above: how a supervisor reads it.
pub fn colour(pct: f64, expected: i64) -> &'static str {
    if expected == 0 {
        "#8c959f"
    } else if pct < 80.0 {
        "#b42318"
    } else if pct < 95.0 {
        "#b7791f"
    } else {
        "#1a7f37"
    }
}

/// Every box at its position, to scale around the middle of them all,
/// coloured by its coverage (over the tile server's map, if there is one).
fn boxes_map(boxes: &[BoxView], report: &CoverageReport, tiles: Option<&str>) -> Markup {
    let (mut lat0, mut lat1, mut lon0, mut lon1) = (90.0_f64, -90.0_f64, 180.0_f64, -180.0_f64);
    for b in boxes {
        lat0 = lat0.min(b.lat);
        lat1 = lat1.max(b.lat);
        lon0 = lon0.min(b.lon);
        lon1 = lon1.max(b.lon);
    }
    let centre = if boxes.is_empty() {
        (0.0, 0.0)
    } else {
        ((lat0 + lat1) / 2.0, (lon0 + lon1) / 2.0)
    };
    let (half_e, half_n) =
        super::checkins::offset_m(centre, (lat1.max(centre.0), lon1.max(centre.1)));
    // Pixels a metre: the boxes fill 540 × 300 of the 600 × 360 picture.
    let px_per_m = (270.0 / half_e.max(100.0)).min(150.0 / half_n.max(100.0));
    html! {
        svg.map width="600" height="360" viewBox="0 0 600 360" role="img" aria-label="巡邏箱位置與涵蓋率" {
            (crate::console::tiles::under(tiles, centre, px_per_m, 600.0, 360.0))
            @for b in boxes {
                @let line = report.by_box.iter().find(|l| l.id == b.id.0);
                @let (east, north) = super::checkins::offset_m(centre, (b.lat, b.lon));
                @let x = 300.0 + east * px_per_m;
                @let y = 180.0 - north * px_per_m;
                @let (pct, expected) = line.map_or((0.0, 0), |l| (l.coverage_pct, l.expected));
                circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="9" fill=(colour(pct, expected)) {
                    title { (b.code) " " (b.name) "：" (format!("{pct:.1}%")) }
                }
                text x=(format!("{:.1}", x + 12.0)) y=(format!("{:.1}", y + 4.0)) font-size="12" fill="#222" { (b.code) }
            }
        }
        p.muted { "綠：95% 以上；黃：80–95%；紅：未達 80%；灰：無應巡。" }
    }
}

/// The units an actor reaches, for a unit picker.
pub fn units_within(c: &mut DbConn, actor: &Actor) -> ApiResult<Vec<UnitRow>> {
    Ok(crate::org::directory::list_units(
        c,
        &UnitFilter {
            within_path: actor.unit_path.as_deref(),
            parent_id: None,
            kind: None,
            include_disabled: false,
            after: None,
            limit: 500,
        },
    )?)
}

#[get("/coverage")]
pub async fn coverage_page(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<CoverageForm>,
) -> PageResult<HttpResponse> {
    let q = query.into_inner();
    let today = taiwan_date(state.clock.now());
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or(today);
    let actor = who.actor().clone();
    let unit = UnitId(q.unit_id.or(actor.unit_id.map(|u| u.0)).unwrap_or_default());
    let (units, report, boxes) = state
        .db(move |c| {
            let units = units_within(c, &actor)?;
            let report =
                crate::patrol::coverage::report(c, &actor, unit, &PeriodQuery { from, to })?;
            let boxes = crate::patrol::boxes::all_within(c, &actor, unit)?;
            Ok::<_, ApiError>((units, report, boxes))
        })
        .await?;
    match q.format.as_str() {
        "csv" => {
            return Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((
                    "Content-Disposition",
                    format!(
                        "attachment; filename=\"coverage-{}-{from}-{to}.csv\"",
                        report.unit.code
                    ),
                ))
                .body(crate::patrol::coverage::to_csv(&report)?));
        }
        "pdf" => {
            let name = format!("coverage-{}-{from}-{to}.pdf", report.unit.code);
            let pdf = state
                .blocking(move |_| crate::patrol::documents::coverage_pdf(&report))
                .await?;
            return Ok(HttpResponse::Ok()
                .content_type("application/pdf")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(pdf));
        }
        _ => {}
    }
    let export = |format: &str| {
        format!(
            "/coverage?unit_id={}&from={from}&to={to}&format={format}",
            unit.0
        )
    };
    Ok(ok(page(
        "巡邏涵蓋率",
        &who,
        html! {
            h1 { "巡邏涵蓋率：" (report.unit.name) }
            form.row method="get" action="/coverage" {
                div {
                    label for="unit" { "單位" }
                    select #unit name="unit_id" {
                        @for u in &units { option value=(u.id.0) selected[u.id == unit] { (u.name) } }
                    }
                }
                div { label for="from" { "自" } (day_input("from", "from", &roc_short_date(from), false)) }
                div { label for="to" { "至" } (day_input("to", "to", &roc_short_date(to), false)) }
                div { button type="submit" { "查詢" } }
            }
            p { a href=(export("csv")) { "下載 CSV" } " · " a href=(export("pdf")) { "下載 PDF" } }
            div.cards {
                div.card { div { "涵蓋率" } div.big #coverage-total { (pct_of(report.totals.expected, report.totals.coverage_pct)) } }
                div.card { div { "應巡" } div.big { (report.totals.expected) } }
                div.card { div { "未巡" } div.big { (report.totals.missed) } }
                div.card { div { "待審" } div.big #coverage-flagged { (report.totals.flagged) } }
            }
            (boxes_map(&boxes, &report, state.settings.map_tiles.as_deref()))
            (lines("依巡邏箱", &report.by_box))
            (lines("依員警", &report.by_officer))
        },
    )))
}
