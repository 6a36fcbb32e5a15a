//! Printable documents of the patrol capability: sticker sheets of box
//! codes and the coverage report.

use super::boxes::{BoxView, payload};
use super::coverage::{CoverageLine, CoverageReport};
use super::schedule::utc_to_local;
use crate::error::ApiResult;
use crate::print::pdf::Document;
use crate::signing::SigningKeys;

const COLUMNS: usize = 3;
const ROWS: usize = 4;
const MARGIN_MM: f32 = 10.0;

/// A4 sheets of stickers, twelve a page: box code, name, QR code, unit, and
/// the sticker's serial and key version so the one on the box can be told apart.
pub fn sticker_sheet(
    keys: &SigningKeys,
    key_version: i32,
    unit_name: &str,
    boxes: &[BoxView],
) -> ApiResult<Vec<u8>> {
    let mut doc = Document::new(&format!("{unit_name} 巡邏箱條碼"))?;
    let cell_w = (210.0 - 2.0 * MARGIN_MM) / COLUMNS as f32;
    let cell_h = (297.0 - 2.0 * MARGIN_MM) / ROWS as f32;
    for (i, b) in boxes.iter().enumerate() {
        let slot = i % (COLUMNS * ROWS);
        if i > 0 && slot == 0 {
            doc.new_page();
        }
        let x = MARGIN_MM + (slot % COLUMNS) as f32 * cell_w;
        let y = MARGIN_MM + (slot / COLUMNS) as f32 * cell_h;
        doc.stroke_rect(x, y, cell_w, cell_h);
        doc.text(x + 4.0, y + 8.0, 13.0, &b.code);
        doc.text(x + 4.0, y + 14.0, 9.0, &truncate(&b.name, 18));
        let qr_size = 44.0;
        doc.qr(
            x + (cell_w - qr_size) / 2.0,
            y + 16.0,
            qr_size,
            &payload(keys, b, key_version),
        )?;
        doc.text(
            x + 4.0,
            y + cell_h - 8.0,
            7.0,
            "電子巡簽：請以 M-Police 掃描",
        );
        doc.text(
            x + 4.0,
            y + cell_h - 3.5,
            6.0,
            &format!(
                "{} · 序號 {} · 金鑰 v{}",
                truncate(&b.unit.name, 10),
                b.code_serial,
                key_version
            ),
        );
    }
    Ok(doc.finish())
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        s.chars()
            .take(max - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}

const LINE_MM: f32 = 6.0;
const TOP_MM: f32 = 20.0;
const BOTTOM_MM: f32 = 280.0;

struct Writer {
    doc: Document,
    y: f32,
}

impl Writer {
    fn line(&mut self, x: f32, size: f32, text: &str) {
        if self.y > BOTTOM_MM {
            self.doc.new_page();
            self.y = TOP_MM;
        }
        self.doc.text(x, self.y, size, text);
    }

    fn next(&mut self) {
        self.y += LINE_MM;
    }

    fn row(&mut self, cells: &[(f32, String)]) {
        for (x, text) in cells {
            self.line(*x, 9.0, text);
        }
        self.next();
    }
}

fn table(w: &mut Writer, title: &str, lines: &[CoverageLine]) {
    w.next();
    w.line(15.0, 12.0, title);
    w.next();
    let header = [
        "代碼",
        "名稱",
        "應巡",
        "準時",
        "逾時",
        "未巡",
        "存疑",
        "達成率",
    ];
    let xs = [15.0, 45.0, 100.0, 117.0, 134.0, 151.0, 168.0, 185.0];
    w.row(
        &xs.iter()
            .zip(header)
            .map(|(x, h)| (*x, h.to_owned()))
            .collect::<Vec<_>>(),
    );
    for l in lines {
        let cells = [
            truncate(&l.code, 14),
            truncate(&l.name, 14),
            l.expected.to_string(),
            l.on_time.to_string(),
            l.late.to_string(),
            l.missed.to_string(),
            l.flagged.to_string(),
            format!("{:.1}%", l.coverage_pct),
        ];
        w.row(&xs.iter().copied().zip(cells).collect::<Vec<_>>());
    }
}

/// The coverage report as an A4 PDF: totals, per box, per officer, misses
/// (times in Taiwan local time).
pub fn coverage_pdf(report: &CoverageReport) -> ApiResult<Vec<u8>> {
    let doc = Document::new("巡邏簽到稽核報表")?;
    let mut w = Writer { doc, y: TOP_MM };
    w.line(15.0, 16.0, "巡邏簽到稽核報表");
    w.next();
    w.next();
    w.line(
        15.0,
        10.0,
        &format!(
            "單位：{}（{}）　期間：{} 至 {}",
            report.unit.name, report.unit.code, report.from, report.to
        ),
    );
    w.next();
    let t = &report.totals;
    w.line(
        15.0,
        10.0,
        &format!(
            "應巡 {}　準時 {}　逾時 {}　未巡 {}　存疑 {}　達成率 {:.1}%",
            t.expected, t.on_time, t.late, t.missed, t.flagged, t.coverage_pct
        ),
    );
    w.next();
    table(&mut w, "各巡邏箱", &report.by_box);
    table(&mut w, "各員警", &report.by_officer);
    w.next();
    w.line(
        15.0,
        12.0,
        &format!("未巡清單（{} 筆）", report.misses.len()),
    );
    w.next();
    for m in &report.misses {
        let start = utc_to_local(m.window_start.naive_utc()).format("%Y-%m-%d %H:%M");
        let end = utc_to_local(m.window_end.naive_utc()).format("%H:%M");
        w.row(&[
            (15.0, m.box_code.clone()),
            (55.0, m.badge.clone()),
            (85.0, format!("{start}–{end}")),
            (150.0, format!("缺 {} 次", m.missing)),
        ]);
    }
    Ok(w.doc.finish())
}

/// The sticker sheets of a unit's boxes (and those of the units below it),
/// with the unit's code to name the file.
pub fn sticker_sheet_of_unit(
    s: &crate::state::AppState,
    actor: &crate::domain::Actor,
    unit: crate::domain::UnitId,
) -> crate::error::ApiResult<(String, Vec<u8>)> {
    let (unit, boxes, version) = {
        let mut conn = s.conn()?;
        let unit = crate::org::units::get(&mut conn, actor, unit)?;
        let boxes = super::boxes::all_within(&mut conn, actor, unit.id)?;
        (unit, boxes, super::store::current_key_version(&mut conn)?)
    };
    Ok((
        unit.code.clone(),
        sticker_sheet(&s.signing_keys, version, &unit.name, &boxes)?,
    ))
}
