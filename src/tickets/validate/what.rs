//! What: the provision in force on the violation day, whether this kind of
//! ticket may use it (citizen reports: the §7-1 list of that day), whether
//! the legal office has confirmed it, the fine against the Act's range and
//! the 基準表 amount, and the plate against the vehicle class.

use chrono::NaiveDate;

use super::{Facts, Verdict};
use crate::domain::time::roc_date;
use crate::tickets::catalog::fines::{self, SpeedProblem};
use crate::tickets::catalog::report::money;
use crate::tickets::catalog::{ArticleVersion, Status, TicketKind};
use crate::tickets::plate::{self, PlateProblem};

fn span_text((from, to): (i32, Option<i32>)) -> String {
    match to {
        Some(t) => format!("{from}–{t}"),
        None => format!("{from} or more"),
    }
}

pub(super) fn provision(
    v: &mut Verdict,
    facts: &Facts<'_>,
    code: &str,
    article: Option<&ArticleVersion>,
    day: NaiveDate,
) {
    let Some(a) = article else {
        v.error(
            "article_code",
            "not_in_force",
            format!("the catalog has no version of {code} in force on {day}"),
            format!("{} 目錄中沒有施行中的條款 {code}", roc_date(day)),
        );
        return;
    };
    if facts.kind == TicketKind::CitizenReport {
        if a.citizen_reporting.is_none() {
            v.error(
                "article_code",
                "not_reportable",
                format!(
                    "{} is not on the list citizens may report on {day} (Article 7-1)",
                    a.article
                ),
                format!(
                    "{}不在{}民眾得檢舉之項目內（第 7 條之 1）",
                    a.article,
                    roc_date(day)
                ),
            );
        }
    } else if !a.ticket_kinds.contains(&facts.kind) {
        v.error(
            "article_code",
            "not_for_ticket_kind",
            format!(
                "{} cannot be used for a {} ticket",
                a.article,
                facts.kind.as_str()
            ),
            format!("{}不能用於{}", a.article, facts.kind.label_zh()),
        );
    }
    let listing_unconfirmed = facts.kind == TicketKind::CitizenReport
        && a.citizen_reporting
            .as_ref()
            .is_some_and(|l| l.status != Status::Confirmed);
    if a.status != Status::Confirmed || listing_unconfirmed {
        v.warn(
            "article_code",
            "unconfirmed",
            format!("{} {} has not been confirmed by the legal office: see the catalog report for its sources", a.code, a.article),
            format!("{}未經法制單位確認（出處見條款目錄）", a.article),
        );
    }
    fine(v, facts, a);
}

fn fine(v: &mut Verdict, facts: &Facts<'_>, a: &ArticleVersion) {
    let over = facts.speed.map(|s| s.over());
    if let Some(s) = facts.speed
        && (!(1..=200).contains(&s.limit_kmh) || !(1..=400).contains(&s.measured_kmh))
    {
        v.error(
            "speed",
            "out_of_range",
            "a limit of 1–200 and a measured speed of 1–400 km/h",
            "限速 1–200、實速 1–400 公里",
        );
    }
    match fines::check_speed(a, over) {
        Err(SpeedProblem::Required) => v.error(
            "speed",
            "required",
            format!(
                "{} depends on the speed: give the limit and the measured speed",
                a.article
            ),
            format!("{}依超速程度處罰：請填限速與實測車速", a.article),
        ),
        Err(SpeedProblem::Outside { from, to }) => v.error(
            "speed",
            "outside_article",
            format!(
                "{} km/h over the limit is not {}, which covers {} km/h over",
                over.unwrap_or_default(),
                a.article,
                span_text((from, to))
            ),
            format!(
                "超速 {} 公里不屬{}（{} 公里）",
                over.unwrap_or_default(),
                a.article,
                span_text((from, to))
            ),
        ),
        Ok(()) => {}
    }
    let Some(f) = a.fines.get(&facts.vehicle_class) else {
        v.error(
            "article_code",
            "not_for_vehicle_class",
            format!(
                "{} does not apply to {}",
                a.article,
                facts.vehicle_class.label_zh()
            ),
            format!("{}不適用於{}", a.article, facts.vehicle_class.label_zh()),
        );
        return;
    };
    let [min, max] = f.range;
    if !fines::within_range(f, facts.fine) {
        v.error(
            "fine",
            "out_of_range",
            format!("the Act's fine for {} is NT${min}–{max}", a.article),
            format!(
                "{}的法定罰鍰為新臺幣 {} 至 {} 元",
                a.article,
                money(min),
                money(max)
            ),
        );
    }
    v.scheduled_fine = fines::scheduled(f, over);
    if let Some(amount) = v.scheduled_fine
        && amount != facts.fine
        && fines::within_range(f, facts.fine)
    {
        v.warn(
            "fine",
            "off_schedule",
            format!(
                "the 基準表 amount for {} is NT${amount}",
                facts.vehicle_class.label_zh()
            ),
            format!(
                "{}之裁罰基準表金額為新臺幣 {} 元",
                facts.vehicle_class.label_zh(),
                money(amount)
            ),
        );
    }
}

/// The plate: a shape no plate has is an error; a shape the class is not
/// usually issued is a warning, since the formats of old plates still on
/// the road are not all known (`plate.rs`).
pub(super) fn vehicle(v: &mut Verdict, facts: &Facts<'_>) {
    match plate::check(&v.plate, facts.vehicle_class) {
        Err(PlateProblem::Format) => v.error(
            "plate",
            "format",
            "not a plate number",
            "不是車牌號碼的格式",
        ),
        Err(PlateProblem::UnusualForClass { issued_to }) => {
            let classes: Vec<&str> = issued_to.iter().map(|c| c.label_zh()).collect();
            v.warn(
                "plate",
                "vehicle_class_mismatch",
                format!(
                    "plates like this are issued to {}: check the class",
                    classes.join("、")
                ),
                format!("這種車牌通常屬於{}：請確認車種", classes.join("、")),
            );
        }
        Ok(_) => {}
    }
    if plate::has_confusable_letters(&v.plate) {
        v.warn(
            "plate",
            "confusable_letters",
            "plates have no I or O: is it 1 or 0?",
            "車牌不用 I 與 O：是 1 或 0 嗎？",
        );
    }
}
