//! The monthly quality report for supervisors, as a PDF: the error-rate
//! trend against the 0.1% line, the worst units, error types and near
//! misses, the turnaround distribution, enforcement of the seven major
//! violations against the +1% target, and the vendors' caps.

use chrono::{Datelike, NaiveDate};

use super::charts::{self, Picture};
use super::enforcement;
use super::error_rate::{self, Dimension, TARGET};
use super::near_miss::{self, NearMissDimension};
use super::report::month_span;
use super::store;
use super::turnaround::{self, TurnaroundDimension};
use crate::db::{DbConn, now};
use crate::domain::time::{month_key, taiwan_date};
use crate::domain::{Actor, UnitId};
use crate::error::ApiResult;
use crate::print::pdf::Document;
use crate::tickets::catalog::MAJOR_VIOLATIONS;

const MAJOR_ZH: [(&str, &str); 7] = [
    ("drunk_driving", "酒後駕車"),
    ("severe_speeding", "嚴重超速"),
    ("red_light", "闖紅燈"),
    ("wrong_way", "逆向行駛"),
    ("improper_turn", "轉彎未依規定"),
    ("scooter_two_stage_turn", "機車未依規定兩段式左轉"),
    ("scooter_forbidden_lane", "機車行駛禁行機車道"),
];

fn pct(r: f64) -> String {
    format!("{:.3}%", r * 100.0)
}

fn months_back(month: NaiveDate, n: u32) -> NaiveDate {
    month
        .checked_sub_months(chrono::Months::new(n))
        .unwrap_or(month)
}

/// Turnaround buckets: two days wide up to 30, then 30 and more.
const BUCKET_DAYS: usize = 2;
const BUCKETS: usize = 16;

/// The report of `month` (`YYYY-MM`) for the units within the actor's reach.
pub fn report_pdf(conn: &mut DbConn, actor: &Actor, month: &str) -> ApiResult<Vec<u8>> {
    let (start, end) = month_span(month, month)?;
    let first = taiwan_date(start);
    let trend_from = months_back(first, 11);
    let (trend_start, _) = month_span(&month_key(trend_from), month)?;
    let path = actor.unit_path.as_deref();
    let today = taiwan_date(now());

    let trend_facts = store::ticket_facts(conn, path, trend_start, end)?;
    let by_month = error_rate::rates(&trend_facts, Dimension::Month, today);
    let months: Vec<String> = (0..12)
        .map(|i| month_key(months_back(first, 11 - i)))
        .collect();
    let trend: Vec<(String, Option<&error_rate::RateLine>)> = months
        .iter()
        .map(|m| (m.clone(), by_month.iter().find(|l| &l.key == m)))
        .collect();
    let facts: Vec<_> = trend_facts
        .into_iter()
        .filter(|f| f.month == month)
        .collect();
    let issued = error_rate::issued(&facts);
    let wrong = error_rate::with_error(&facts);
    let rate = if issued == 0 {
        0.0
    } else {
        wrong as f64 / issued as f64
    };
    let worst = error_rate::rates(&facts, Dimension::Unit, today);
    let types = error_rate::rates(&facts, Dimension::ErrorType, today);
    let misses = store::near_misses_in(conn, path, start, end)?;
    let misses_by = near_miss::counts(&misses, NearMissDimension::CaughtBy);
    let turn = crate::cases::turnaround_counts::read(conn, path, month, month)?;
    let turn_lines = turnaround::lines(&turn, TurnaroundDimension::Source);
    let mut buckets = vec![0u64; BUCKETS];
    for t in turn
        .iter()
        .filter(|t| t.measure == turnaround::Measure::FromViolation)
    {
        let i = (t.days.max(0) as usize / BUCKET_DAYS).min(BUCKETS - 1);
        if let Some(b) = buckets.get_mut(i) {
            *b += t.n.max(0) as u64;
        }
    }
    let year = first.year();
    // The previous year whole, this year up to the month reported.
    let majors = store::major_tickets(conn, path, &format!("{}-01", year - 1), month)?;
    let (by_major, _) = enforcement::report(&majors, year, &MAJOR_VIOLATIONS);
    let vendors = crate::org::directory::list_vendors(conn)?;
    let mut statements = Vec::new();
    for v in vendors {
        statements.push(crate::contracts::statement::statement(
            conn, actor, v.id, month,
        )?);
    }
    let unit_name = |conn: &mut DbConn, id: &str| -> ApiResult<String> {
        let id = id.parse::<i64>().map(UnitId).unwrap_or(UnitId(0));
        Ok(crate::org::directory::unit_by_id(conn, id)?
            .map(|u| format!("{} {}", u.code, u.name))
            .unwrap_or_else(|| id.to_string()))
    };
    let mut worst_named = Vec::new();
    for l in worst.iter().take(8) {
        worst_named.push((unit_name(conn, &l.key)?, l.clone()));
    }

    let mut doc = Document::new(&format!("舉發單品質月報 {month}"))?;
    doc.text(15.0, 18.0, 18.0, &format!("舉發單品質月報　{month}"));
    doc.text(
        15.0,
        27.0,
        10.0,
        &format!(
            "舉發 {issued} 件，錯誤 {wrong} 件，錯誤率 {}（目標 ≤ {}）{}",
            pct(rate),
            pct(TARGET),
            if error_rate::provisional(month, today) {
                "　暫定：錯誤仍可能續報"
            } else {
                ""
            }
        ),
    );
    // The trend.
    doc.text(
        15.0,
        38.0,
        12.0,
        "錯誤率趨勢（近 12 個月；紅線為 0.1% 目標）",
    );
    let rates_pct: Vec<f64> = trend
        .iter()
        .map(|(_, l)| l.map_or(0.0, |l| l.rate * 100.0))
        .collect();
    let (pic, top) = charts::trend(&rates_pct, TARGET * 100.0, 900, 300)?;
    place(&mut doc, 15.0, 41.0, 150.0, pic);
    doc.text(167.0, 44.0, 8.0, &format!("{top:.2}%"));
    let target_at = (TARGET * 100.0 / top) as f32;
    if target_at > 0.08 {
        // Beside the red line, unless it lies on the axis at this scale.
        doc.text(167.0, 41.0 + 50.0 * (1.0 - target_at), 8.0, "0.1%");
    }
    doc.text(167.0, 91.0, 8.0, "0%");
    for (i, (m, _)) in trend.iter().enumerate() {
        if i % 2 == 1 || i == 11 {
            let x = 15.0 + 2.0 + (150.0 - 4.0) * (i as f32 + 0.5) / 12.0 - 6.0;
            doc.text(x, 96.0, 7.0, m);
        }
    }
    // Worst units and error types.
    let mut y = 106.0;
    doc.text(15.0, y, 12.0, "錯誤率最高的單位");
    y += 6.0;
    for (name, l) in &worst_named {
        doc.text(18.0, y, 9.0, name);
        doc.text(
            100.0,
            y,
            9.0,
            &format!("{} / {} 件", l.with_error, l.issued),
        );
        doc.text(140.0, y, 9.0, &pct(l.rate));
        y += 5.0;
    }
    y += 4.0;
    doc.text(15.0, y, 12.0, "錯誤類型");
    y += 6.0;
    if types.is_empty() {
        doc.text(18.0, y, 9.0, "本月無錯誤");
        y += 5.0;
    }
    for l in types.iter().take(8) {
        doc.text(18.0, y, 9.0, &l.key);
        doc.text(100.0, y, 9.0, &format!("{} 件", l.with_error));
        doc.text(140.0, y, 9.0, &pct(l.rate));
        y += 5.0;
    }
    y += 4.0;
    doc.text(15.0, y, 12.0, "開單前攔截（near misses）");
    y += 6.0;
    doc.text(18.0, y, 9.0, &format!("共 {} 件", misses.len()));
    for l in &misses_by {
        y += 5.0;
        doc.text(18.0, y, 9.0, &l.key);
        doc.text(100.0, y, 9.0, &format!("{} 件", l.count));
    }

    doc.new_page();
    doc.text(
        15.0,
        18.0,
        12.0,
        "製單時效：違規至開單天數分布（每格 2 天，最右格 30 天以上）",
    );
    let (pic, top) = charts::bars(&buckets, 900, 300)?;
    place(&mut doc, 15.0, 21.0, 150.0, pic);
    doc.text(167.0, 24.0, 8.0, &format!("{top:.0} 件"));
    for i in (0..BUCKETS).step_by(3) {
        let x = 15.0 + 2.0 + (150.0 - 4.0) * (i as f32 + 0.3) / BUCKETS as f32;
        doc.text(x, 76.0, 7.0, &format!("{} 天", i * 2));
    }
    let mut y = 86.0;
    for l in &turn_lines {
        let baseline = l
            .baseline_days
            .map(|b| format!("，過去約 {b:.0} 天"))
            .unwrap_or_default();
        doc.text(
            18.0,
            y,
            9.0,
            &format!(
                "{}：{} 件，中位數 {:.1} 天，90 百分位 {:.1} 天，14 天內 {:.0}%{baseline}",
                if l.key == "camera" {
                    "逕行舉發"
                } else {
                    "民眾檢舉"
                },
                l.tickets,
                l.from_violation.median_days,
                l.from_violation.p90_days,
                l.from_violation.within_target * 100.0
            ),
        );
        y += 5.0;
    }
    y += 6.0;
    doc.text(
        15.0,
        y,
        12.0,
        &format!("七大違規取締（{year} 年與前一年，目標 +1%）"),
    );
    y += 6.0;
    for l in &by_major {
        doc.text(18.0, y, 9.0, major_name(&l.key));
        doc.text(
            100.0,
            y,
            9.0,
            &format!("{} / 前一年 {}", l.this_year, l.previous_year),
        );
        doc.text(150.0, y, 9.0, if l.meets_target { "達標" } else { "未達" });
        y += 5.0;
    }
    y += 6.0;
    doc.text(15.0, y, 12.0, "委外廠商契約上限");
    y += 6.0;
    for s in statements.iter().filter(|s| s.contract.is_none()) {
        doc.text(18.0, y, 9.0, &format!("{}：無有效契約", s.vendor_name));
        y += 5.0;
    }
    for s in statements.iter().filter(|s| s.contract.is_some()) {
        let warn = if s.warnings.is_empty() {
            String::new()
        } else {
            format!(
                "　警示 {}",
                s.warnings
                    .iter()
                    .map(|w| format!("{}≥{:.0}%", w.cap, w.reached * 100.0))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        doc.text(
            18.0,
            y,
            9.0,
            &format!(
                "{}：本月 {} 件 NT${}，年度累計 {} 件，剩餘 {} 件 NT${}{warn}",
                s.vendor_name,
                s.tickets,
                s.amount,
                s.year_to_date_tickets,
                s.tickets_left,
                s.amount_left
            ),
        );
        y += 5.0;
    }
    Ok(doc.finish())
}

/// The zh-TW name of one of the seven major violations (the key otherwise).
pub fn major_name(key: &str) -> &str {
    MAJOR_ZH
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, v)| v)
}

fn place(doc: &mut Document, x: f32, y: f32, w: f32, p: Picture) {
    doc.image_rgb(x, y, w, p.rgb, p.width, p.height);
}
