//! A ticket as printed: one layout, rendered for ESC/POS, ZPL and CPCL
//! thermal printers, as a PNG preview and as a PDF archive copy.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::catalog::report::money;
use super::input::{Recipient, Signature, SignatureStatus};
use super::validate::Person;
use super::view::{TicketStatus, TicketView};
use crate::domain::time;
use crate::error::{ApiError, ApiResult};
use crate::print::layout::{Builder, Layout};
use crate::print::{fonts, pdf, printer, raster};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PrintFormat {
    Escpos,
    Zpl,
    Cpcl,
    Pdf,
    Png,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    #[param(inline)]
    pub format: PrintFormat,
    /// Printer width in dots: 384 (58 mm) or 576 (80 mm). Default 384.
    pub width: Option<u32>,
}

/// What to send, and its content type.
pub struct Printed {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// What a reprint of a version that is no longer in force must say across
/// the paper, so that it can never pass for a valid ticket.
fn stamp(t: &TicketView) -> Option<(String, String)> {
    match t.status {
        TicketStatus::Issued => None,
        TicketStatus::Voided => Some((
            "＊ 作廢 VOID ＊".to_owned(),
            "本單已作廢，不生舉發效力".to_owned(),
        )),
        TicketStatus::Superseded => Some((
            "＊ 已更正 SUPERSEDED ＊".to_owned(),
            match t.current_version {
                Some(v) => format!("本版已更正，請以{} 第 {v} 版為準", t.number),
                None => "本版已更正，請以最新版本為準".to_owned(),
            },
        )),
    }
}

fn stamp_band(b: &mut Builder<'_>, stamp: &Option<(String, String)>) {
    if let Some((title, line)) = stamp {
        b.bar(6);
        b.text(40.0, title);
        b.text(22.0, line);
        b.bar(6);
    }
}

/// The sentence 細則 §15 II requires on every notice.
pub const LATE_SERVICE_NOTE: &str =
    "受通知人收受通知單時，應到案日期不足三十日或已逾應到案日期者，得於送達生效日後三十日內到案。";

/// The recipient box (被通知人), ticked as 細則 §11 I asks.
pub fn recipient_box(r: Recipient) -> String {
    let tick = |x: Recipient| if r == x { "■" } else { "□" };
    format!(
        "{}駕駛人　{}車主",
        tick(Recipient::Driver),
        tick(Recipient::Owner)
    )
}

/// What the signature line says: signed; refused, why, and when the notice
/// was handed over anyway; refused to take it, why, and that the due date
/// and place were told (so it counts as received, 細則 §11 I(1)).
pub fn signature_text(s: &Signature) -> String {
    let reason = s.reason.clone().unwrap_or_default();
    match s.status {
        SignatureStatus::Obtained => "已簽收".to_owned(),
        SignatureStatus::Refused => match s.handed_over_at {
            Some(at) => format!(
                "拒簽（{reason}），已於{}交付通知聯",
                time::roc_datetime(at.naive_utc())
            ),
            None => format!("拒簽（{reason}）"),
        },
        SignatureStatus::ReceiptRefused => {
            format!("拒收（{reason}），已告知應到案時間及處所，視為已收受")
        }
        SignatureStatus::NotApplicable => "—".to_owned(),
    }
}

fn person_block(b: &mut Builder<'_>, label: &str, p: &Person) {
    b.field(label, &p.name);
    if let Some(sex) = p.sex {
        b.field("性別", sex.label_zh());
    }
    if let Some(born) = p.birth_date {
        b.field("出生日期", &time::roc_date(born));
    }
    if let Some(id) = &p.national_id {
        b.field("身分證號", id);
    }
    if let Some(addr) = &p.address {
        b.field("住址", addr);
    }
}

/// The ticket laid out for a printer `width` dots wide, with the fields
/// 違反道路交通管理事件統一裁罰基準及處理細則 §11 and §15 put on a notice,
/// dates in the ROC calendar as official notices print them.
pub fn layout(t: &TicketView, width: u32) -> ApiResult<Layout> {
    let font =
        fonts::stack().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no usable font")))?;
    let mut b = Builder::new(&font, width);
    let stamp = stamp(t);
    stamp_band(&mut b, &stamp);
    if !t.kind.driver_stopped() {
        // 細則 §11 I(4): "於通知單上方空白處加註逕行舉發之文字".
        b.text(36.0, "逕行舉發");
    }
    b.text(30.0, "舉發違反道路交通管理事件通知單");
    b.text(22.0, if t.version > 1 { "（更正）" } else { "" });
    b.field("單號", &t.number);
    if t.version > 1 {
        b.field("版本", &format!("第 {} 版", t.version));
    }
    b.field("舉發類別", t.kind.label_zh());
    b.field("被通知人", &recipient_box(t.recipient));
    b.rule();
    if let Some(p) = &t.driver {
        person_block(&mut b, "駕駛人", p);
    }
    if let Some(g) = &t.guardian {
        person_block(&mut b, "法定代理人或監護人", g);
    }
    if let Some(p) = &t.owner {
        person_block(&mut b, "車主", p);
    }
    b.field("車牌號碼", t.plate.as_str());
    b.field("車種", t.vehicle_class.label_zh());
    b.rule();
    b.field("違規時間", &time::roc_datetime(t.violation_at.naive_utc()));
    b.field("違規地點", &t.place);
    b.field("違規事實", &t.facts);
    if let Some(s) = t.speed {
        b.field(
            "測速",
            &format!(
                "限速 {} 公里，實速 {} 公里，超速 {} 公里",
                s.limit_kmh,
                s.measured_kmh,
                s.over()
            ),
        );
    }
    if let Some(c) = t.crash {
        b.field(
            "肇事",
            &match c.appraisal_concluded_on {
                Some(d) => format!("致人受傷或死亡，鑑定終結日 {}", time::roc_date(d)),
                None => "致人受傷或死亡".to_owned(),
            },
        );
    }
    b.field("違反條款", &t.article);
    b.field("罰鍰", &format!("新臺幣 {} 元", money(t.fine)));
    b.rule();
    b.field("應到案日期", &time::roc_date(t.due_date));
    b.field("應到案處所", &t.respond_to);
    b.text(18.0, LATE_SERVICE_NOTE);
    b.field("舉發單位", &t.issuing_unit);
    b.field("舉發員警", &t.officer_badge);
    b.field("填單日期", &time::roc_datetime(t.issued_at.naive_utc()));
    b.field("簽收", &signature_text(&t.signature));
    b.gap(8.0);
    stamp_band(&mut b, &stamp);
    b.text(18.0, "掃描 QR 碼查驗本單真偽");
    let module = if width >= 576 { 5 } else { 4 };
    b.qr(&t.verify_url, module)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("QR encoding: {e}")))?;
    b.gap(8.0);
    // 58 mm paper fits the number only at a 2:1 wide-to-narrow ratio (the
    // least Code 39 allows) with quiet zones; 80 mm takes the usual 3:1.
    let wide = if width >= 576 { 6 } else { 4 };
    b.code39(&t.number, 2, wide, 64);
    b.text(20.0, &t.number);
    stamp_band(&mut b, &stamp);
    Ok(b.finish())
}

pub fn render(t: &TicketView, format: PrintFormat, width: u32) -> ApiResult<Printed> {
    let layout = layout(t, width)?;
    if format == PrintFormat::Pdf {
        return Ok(Printed {
            content_type: "application/pdf",
            bytes: pdf::layout_pdf(&format!("舉發單 {}", t.number), &layout)?,
        });
    }
    let font =
        fonts::stack().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no usable font")))?;
    let bitmap = raster::render(&layout, &font);
    Ok(match format {
        PrintFormat::Escpos => Printed {
            content_type: "application/vnd.escpos",
            bytes: printer::escpos(&bitmap),
        },
        PrintFormat::Zpl => Printed {
            content_type: "application/vnd.zebra-zpl",
            bytes: printer::zpl(&bitmap),
        },
        PrintFormat::Cpcl => Printed {
            content_type: "application/vnd.zebra-cpcl",
            bytes: printer::cpcl(&bitmap),
        },
        PrintFormat::Png | PrintFormat::Pdf => Printed {
            content_type: "image/png",
            bytes: printer::png(&bitmap).map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::layout::Elem;
    use crate::tickets::catalog::TicketKind;
    use crate::tickets::input::{Crash, Speed};
    use crate::tickets::plate::{Plate, VehicleClass};

    fn camera_notice() -> TicketView {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T06:05:00Z")
            .unwrap()
            .to_utc();
        TicketView {
            id: crate::domain::TicketId(1),
            number: "TN000123459".into(),
            version: 1,
            supersedes_id: None,
            error_type: None,
            status: TicketStatus::Issued,
            kind: TicketKind::Camera,
            unit_id: crate::domain::UnitId(4),
            issuing_unit: "東門派出所".into(),
            officer_id: crate::domain::UserId(5),
            officer_badge: "O0111".into(),
            current_version: None,
            violation_at: at,
            reported_at: None,
            place: "臺南市東區東門路一段".into(),
            position: None,
            plate: Plate::parse("BFD-3021").unwrap(),
            vehicle_class: VehicleClass::Car,
            article_code: "43-1-2".into(),
            article: "第43條第1項第2款 行車速度超過規定之最高時速四十公里".into(),
            facts: "超速".into(),
            fine: 12000,
            due_date: chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
            respond_to: "臺南市政府交通局交通事件裁決中心".into(),
            signature: Signature {
                status: SignatureStatus::NotApplicable,
                reason: None,
                handed_over_at: None,
            },
            recipient: Recipient::Owner,
            driver: None,
            owner: Some(Person {
                name: "陳大同".into(),
                sex: None,
                birth_date: None,
                national_id: Some("A123456789".into()),
                address: Some("臺南市北區成功路1號".into()),
            }),
            guardian: None,
            speed: Some(Speed {
                limit_kmh: 50,
                measured_kmh: 95,
            }),
            crash: Some(Crash {
                appraisal_concluded_on: None,
            }),
            issued_at: at,
            verify_url: "https://epatrol.example.gov.tw/verify/TN000123459?v=1&sig=abc".into(),
            replayed: false,
            numbers_left: None,
        }
    }

    fn text_of(layout: &Layout) -> String {
        layout
            .elems
            .iter()
            .filter_map(|e| match e {
                Elem::Text { text, .. } => Some(text.as_str()),
                Elem::Rect { .. } => None,
            })
            .collect()
    }

    /// The thermal layouts (58 and 80 mm, from which ESC/POS, ZPL and CPCL
    /// are drawn) carry every field 細則 §11 and §15 ask of a notice issued
    /// without stopping the driver.
    #[test]
    fn every_thermal_width_carries_what_the_rules_require() {
        let t = camera_notice();
        for width in [384, 576] {
            let text = text_of(&layout(&t, width).unwrap());
            for expected in [
                "逕行舉發",
                "被通知人：□駕駛人　■車主",
                "車主：陳大同",
                "住址：臺南市北區成功路1號",
                "測速：限速 50 公里，實速 95 公里，超速 45 公里",
                "肇事：致人受傷或死亡",
                "罰鍰：新臺幣 12,000 元",
                "應到案日期：民國116年01月04日",
                "應到案處所：臺南市政府交通局交通事件裁決中心",
                LATE_SERVICE_NOTE,
            ] {
                assert!(
                    text.contains(expected),
                    "{width} dots lack {expected}: {text}"
                );
            }
            assert!(text.find("逕行舉發") < text.find("舉發違反道路交通管理事件通知單"));
        }
    }

    #[test]
    fn a_notice_on_the_spot_has_no_words_of_a_notice_issued_without_a_stop() {
        let mut t = camera_notice();
        t.kind = TicketKind::OnTheSpot;
        t.recipient = Recipient::Driver;
        let text = text_of(&layout(&t, 384).unwrap());
        assert!(text.starts_with("舉發違反道路交通管理事件通知單"), "{text}");
        assert!(text.contains("■駕駛人　□車主"));
    }
}
