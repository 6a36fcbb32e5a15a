//! Validation before issue: every rule that catches a wrong ticket before it
//! reaches a citizen. Errors block; warnings need the officer's explicit
//! acknowledgement. Every bad field is reported at once.

use crate::domain::time;
use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::{ArticleVersion, TicketKind};
use super::national_id::{self, IdError, IdKind};
use super::plate::{self, PlateProblem, VehicleClass};
use crate::error::FieldError;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Sex::Male, Sex::Female]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// A person on the ticket: the driver when stopped, the owner for camera cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[schema(example = "王小明")]
    pub name: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    /// National ID or resident certificate number.
    #[schema(example = "A123456789")]
    pub national_id: Option<String>,
    #[schema(example = "臺南市東區大學路1號")]
    pub address: Option<String>,
}

/// The facts the rules look at.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub kind: TicketKind,
    /// UTC.
    pub violation_at: NaiveDateTime,
    /// UTC; when a citizen report reached the police.
    pub reported_at: Option<NaiveDateTime>,
    pub plate: &'a str,
    pub vehicle_class: VehicleClass,
    pub fine: i32,
    pub driver: Option<&'a Person>,
    pub owner: Option<&'a Person>,
    pub signature_refused_reason: Option<&'a str>,
    pub signature_refused: bool,
}

/// The result of the rules.
#[derive(Debug, Default)]
pub struct Verdict {
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    /// The plate as it will be printed.
    pub plate: String,
    /// 應到案日期, Taiwan local date.
    pub due_date: Option<NaiveDate>,
}

/// Each finding in the API's words and in the console's (zh-TW).
impl Verdict {
    fn error(
        &mut self,
        field: &str,
        code: &str,
        message: impl Into<String>,
        zh: impl Into<String>,
    ) {
        self.errors
            .push(FieldError::new(field, code, message).with_zh(zh));
    }
    fn warn(&mut self, field: &str, code: &str, message: impl Into<String>, zh: impl Into<String>) {
        self.warnings
            .push(FieldError::new(field, code, message).with_zh(zh));
    }
}

/// Taiwan local time of a UTC instant (UTC+8 all year).
fn local(t: NaiveDateTime) -> NaiveDateTime {
    time::to_taiwan(t)
}

/// Judges a ticket. `article` is the version in force on the violation
/// date (`None` if the code has none then); `rules` the legal timing rules
/// in force by key; `now` is the server's UTC clock.
pub fn judge(
    facts: &Facts<'_>,
    article_code: &str,
    article: Option<&ArticleVersion>,
    rules: &HashMap<String, i32>,
    now: NaiveDateTime,
) -> Verdict {
    let mut v = Verdict {
        plate: plate::normalise(facts.plate),
        ..Default::default()
    };
    let violation_day = local(facts.violation_at).date();

    // When.
    if facts.violation_at > now.checked_add_signed(Duration::minutes(5)).unwrap_or(now) {
        v.error(
            "violation_at",
            "in_future",
            "the violation time is in the future",
            "違規時間在未來",
        );
    }
    // Legal periods count whole Taiwan days (行政程序法 §48): the hour of
    // the violation never changes the verdict.
    if let Some(months) = rules.get("ticketing_deadline_months")
        && let Ok(months) = u32::try_from(*months)
    {
        let period = time::Period::Months(months);
        if !time::within(violation_day, period, time::taiwan_date(now)) {
            let last = time::last_day(violation_day, period)
                .map(|d| d.to_string())
                .unwrap_or_default();
            v.error(
                "violation_at",
                "past_deadline",
                format!(
                    "the {months}-month period to ticket it ended with {last}: it can no longer be ticketed (Article 90)"
                ),
                format!(
                    "舉發期限 {months} 個月已於 {} 屆滿，不得再舉發（第 90 條）",
                    time::last_day(violation_day, period)
                        .map(crate::domain::time::roc_date)
                        .unwrap_or_default()
                ),
            );
        }
    }
    if facts.kind == TicketKind::CitizenReport {
        match (facts.reported_at, rules.get("citizen_report_window_days")) {
            (None, _) => v.error(
                "reported_at",
                "required",
                "when did the report come in?",
                "請填檢舉收件時間",
            ),
            (Some(reported), Some(days))
                if !u32::try_from(*days).is_ok_and(|days| {
                    time::within(
                        violation_day,
                        time::Period::Days(days),
                        time::taiwan_date(reported),
                    )
                }) =>
            {
                v.error(
                    "reported_at",
                    "report_too_late",
                    format!("reported more than {days} days after the violation day (Article 7-1)"),
                    format!("違規日起逾 {days} 日才檢舉，不予舉發（第 7 條之 1）"),
                )
            }
            _ => {}
        }
    }

    // What.
    match article {
        None => v.error(
            "article_code",
            "not_in_force",
            format!("no article {article_code} was in force on {violation_day}"),
            format!(
                "{} 沒有施行中的條款 {article_code}",
                crate::domain::time::roc_date(violation_day)
            ),
        ),
        Some(a) => {
            if !a.ticket_kinds.contains(&facts.kind) {
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
            match a.fines.get(&facts.vehicle_class) {
                None => v.error(
                    "article_code",
                    "not_for_vehicle_class",
                    format!(
                        "{} does not apply to {}",
                        a.article,
                        facts.vehicle_class.label_zh()
                    ),
                    format!("{}不適用於{}", a.article, facts.vehicle_class.label_zh()),
                ),
                Some([min, max]) if facts.fine < *min || facts.fine > *max => v.error(
                    "fine",
                    "out_of_range",
                    format!("the fine for {} is NT${min}–{max}", a.article),
                    format!("{}的罰鍰為新臺幣 {min} 至 {max} 元", a.article),
                ),
                Some(_) => {}
            }
        }
    }

    // Which vehicle.
    match plate::check(&v.plate, facts.vehicle_class) {
        Err(PlateProblem::Format) => v.error(
            "plate",
            "format",
            "not a plate number",
            "不是車牌號碼的格式",
        ),
        Err(PlateProblem::WrongClass { issued_to }) => {
            let classes: Vec<&str> = issued_to.iter().map(|c| c.label_zh()).collect();
            v.error(
                "plate",
                "vehicle_class_mismatch",
                format!("plates like this belong to {}", classes.join("、")),
                format!("這種車牌屬於{}", classes.join("、")),
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

    // Who.
    match facts.kind {
        TicketKind::OnTheSpot if facts.driver.is_none() => v.error(
            "driver",
            "required",
            "the driver was stopped: record who",
            "已攔停駕駛人：請填駕駛人",
        ),
        TicketKind::Camera if facts.owner.is_none() => v.error(
            "owner",
            "required",
            "camera cases are sent to the registered owner",
            "逕行舉發應寄送登記車主",
        ),
        _ => {}
    }
    for (field, person) in [("driver", facts.driver), ("owner", facts.owner)] {
        if let Some(p) = person {
            check_person(&mut v, field, p, violation_day);
        }
    }
    if facts.signature_refused
        && facts
            .signature_refused_reason
            .is_none_or(|r| r.trim().is_empty())
    {
        v.error(
            "signature.reason",
            "required",
            "a refused signature needs the reason",
            "拒簽須填事由",
        );
    }

    // By when the recipient must respond.
    let key = match facts.kind {
        TicketKind::OnTheSpot => "due_days_on_the_spot",
        TicketKind::Camera => "due_days_camera",
        TicketKind::CitizenReport => "due_days_citizen_report",
    };
    v.due_date = rules.get(key).and_then(|days| {
        local(now)
            .date()
            .checked_add_signed(Duration::try_days(i64::from(*days))?)
    });
    if v.due_date.is_none() {
        v.error(
            "due_date",
            "no_rule",
            format!("no {key} rule is in force"),
            format!("沒有施行中的到案期限規則（{key}）"),
        );
    }
    v
}

fn check_person(v: &mut Verdict, field: &str, p: &Person, violation_day: NaiveDate) {
    if p.name.trim().is_empty() {
        v.error(
            &format!("{field}.name"),
            "required",
            "the name is required",
            "請填姓名",
        );
    }
    if let Some(id) = &p.national_id {
        match national_id::check(id) {
            Err(IdError::Format) => v.error(
                &format!("{field}.national_id"),
                "format",
                "not an ID or resident certificate number",
                "不是身分證或居留證號碼",
            ),
            Err(IdError::CheckDigit) => v.error(
                &format!("{field}.national_id"),
                "check_digit",
                "the check digit does not match: a typo?",
                "檢查碼不符：是否打錯？",
            ),
            Ok(kind) => {
                let second = id.trim().chars().nth(1).unwrap_or(' ').to_ascii_uppercase();
                let id_sex = match (kind, second) {
                    (IdKind::NationalId, '1')
                    | (IdKind::ResidentNew, '8')
                    | (IdKind::ResidentOld, 'A' | 'C') => Some(Sex::Male),
                    (IdKind::NationalId, '2')
                    | (IdKind::ResidentNew, '9')
                    | (IdKind::ResidentOld, 'B' | 'D') => Some(Sex::Female),
                    _ => None,
                };
                if let (Some(s), Some(from_id)) = (p.sex, id_sex)
                    && s != from_id
                {
                    v.warn(
                        &format!("{field}.sex"),
                        "sex_mismatch",
                        "the ID number says otherwise",
                        "與身分證號碼所示性別不符",
                    );
                }
            }
        }
    }
    if let Some(born) = p.birth_date {
        if born > violation_day {
            v.error(
                &format!("{field}.birth_date"),
                "in_future",
                "born after the violation",
                "出生日期在違規之後",
            );
        } else {
            let age = violation_day.year()
                - born.year()
                - i32::from(
                    (violation_day.month(), violation_day.day()) < (born.month(), born.day()),
                );
            if !(14..=100).contains(&age) {
                v.warn(
                    &format!("{field}.birth_date"),
                    "unusual_age",
                    format!("{age} years old: check the birth date"),
                    format!("{age} 歲：請確認出生日期"),
                );
            }
        }
    }
}

crate::text_enum!(Sex);

#[cfg(test)]
mod tests;
