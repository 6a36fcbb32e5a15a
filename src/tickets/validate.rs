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

impl Verdict {
    fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }
    fn warn(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.warnings.push(FieldError::new(field, code, message));
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
            );
        }
    }
    if facts.kind == TicketKind::CitizenReport {
        match (facts.reported_at, rules.get("citizen_report_window_days")) {
            (None, _) => v.error("reported_at", "required", "when did the report come in?"),
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
                ),
                Some([min, max]) if facts.fine < *min || facts.fine > *max => v.error(
                    "fine",
                    "out_of_range",
                    format!("the fine for {} is NT${min}–{max}", a.article),
                ),
                Some(_) => {}
            }
        }
    }

    // Which vehicle.
    match plate::check(&v.plate, facts.vehicle_class) {
        Err(PlateProblem::Format) => v.error("plate", "format", "not a plate number"),
        Err(PlateProblem::WrongClass { issued_to }) => {
            let classes: Vec<&str> = issued_to.iter().map(|c| c.label_zh()).collect();
            v.error(
                "plate",
                "vehicle_class_mismatch",
                format!("plates like this belong to {}", classes.join("、")),
            );
        }
        Ok(_) => {}
    }
    if plate::has_confusable_letters(&v.plate) {
        v.warn(
            "plate",
            "confusable_letters",
            "plates have no I or O: is it 1 or 0?",
        );
    }

    // Who.
    match facts.kind {
        TicketKind::OnTheSpot if facts.driver.is_none() => {
            v.error("driver", "required", "the driver was stopped: record who")
        }
        TicketKind::Camera if facts.owner.is_none() => v.error(
            "owner",
            "required",
            "camera cases are sent to the registered owner",
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
        v.error("due_date", "no_rule", format!("no {key} rule is in force"));
    }
    v
}

fn check_person(v: &mut Verdict, field: &str, p: &Person, violation_day: NaiveDate) {
    if p.name.trim().is_empty() {
        v.error(&format!("{field}.name"), "required", "the name is required");
    }
    if let Some(id) = &p.national_id {
        match national_id::check(id) {
            Err(IdError::Format) => v.error(
                &format!("{field}.national_id"),
                "format",
                "not an ID or resident certificate number",
            ),
            Err(IdError::CheckDigit) => v.error(
                &format!("{field}.national_id"),
                "check_digit",
                "the check digit does not match: a typo?",
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
                );
            }
        }
    }
}

crate::text_enum!(Sex);

#[cfg(test)]
mod tests {
    use super::super::catalog::{BUNDLED, CatalogFile, in_force};
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn rules() -> HashMap<String, i32> {
        [
            ("ticketing_deadline_months", 2),
            ("citizen_report_window_days", 7),
            ("due_days_on_the_spot", 30),
            ("due_days_camera", 45),
            ("due_days_citizen_report", 45),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    fn article(code: &str, on: NaiveDate) -> Option<ArticleVersion> {
        let file: CatalogFile = serde_json::from_str(BUNDLED).unwrap();
        file.articles
            .into_iter()
            .find(|a| a.code == code && in_force(a.effective_from, a.effective_to, on))
    }

    fn driver() -> Person {
        Person {
            name: "王小明".into(),
            sex: Some(Sex::Male),
            birth_date: NaiveDate::from_ymd_opt(1990, 5, 1),
            national_id: Some("A123456789".into()),
            address: Some("臺南市東區大學路1號".into()),
        }
    }

    fn red_light<'a>(d: &'a Person) -> Facts<'a> {
        Facts {
            kind: TicketKind::OnTheSpot,
            violation_at: t("2026-11-20 02:00"),
            reported_at: None,
            plate: "abc1234",
            vehicle_class: VehicleClass::Car,
            fine: 2700,
            driver: Some(d),
            owner: None,
            signature_refused_reason: None,
            signature_refused: false,
        }
    }

    fn codes(list: &[FieldError]) -> Vec<(String, String)> {
        list.iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect()
    }

    #[test]
    fn a_good_ticket_passes_and_gets_its_due_date() {
        let d = driver();
        let on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let v = judge(
            &red_light(&d),
            "53-1",
            article("53-1", on).as_ref(),
            &rules(),
            t("2026-11-20 02:10"),
        );
        assert!(
            v.errors.is_empty() && v.warnings.is_empty(),
            "{:?} {:?}",
            v.errors,
            v.warnings
        );
        assert_eq!(v.plate, "ABC-1234");
        assert_eq!(v.due_date, NaiveDate::from_ymd_opt(2026, 12, 20));
    }

    #[test]
    fn every_bad_field_at_once() {
        let mut d = driver();
        d.national_id = Some("A123456788".into());
        d.birth_date = NaiveDate::from_ymd_opt(2030, 1, 1);
        let mut f = red_light(&d);
        f.plate = "MKA-321"; // a scooter plate on a car
        f.fine = 600; // under the minimum
        f.signature_refused = true;
        let on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let v = judge(
            &f,
            "53-1",
            article("53-1", on).as_ref(),
            &rules(),
            t("2026-11-20 02:10"),
        );
        assert_eq!(
            codes(&v.errors),
            vec![
                ("fine".into(), "out_of_range".into()),
                ("plate".into(), "vehicle_class_mismatch".into()),
                ("driver.national_id".into(), "check_digit".into()),
                ("driver.birth_date".into(), "in_future".into()),
                ("signature.reason".into(), "required".into()),
            ]
        );
    }

    #[test]
    fn the_law_of_the_day_decides_the_fine() {
        let d = driver();
        let mut f = red_light(&d);
        f.violation_at = t("2023-06-29 10:00");
        f.fine = 1800;
        let on = NaiveDate::from_ymd_opt(2023, 6, 29).unwrap();
        let v = judge(
            &f,
            "53-1",
            article("53-1", on).as_ref(),
            &rules(),
            t("2023-06-29 10:05"),
        );
        assert!(v.errors.is_empty(), "{:?}", v.errors);
        let on = NaiveDate::from_ymd_opt(2023, 6, 30).unwrap();
        f.violation_at = t("2023-06-30 10:00");
        let v = judge(
            &f,
            "53-1",
            article("53-1", on).as_ref(),
            &rules(),
            t("2023-06-30 10:05"),
        );
        assert_eq!(
            codes(&v.errors),
            vec![("fine".into(), "out_of_range".into())]
        );
    }

    #[test]
    fn timing_rules() {
        let d = driver();
        let on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let a = article("53-1", on);
        let mut f = red_light(&d);
        let v = judge(&f, "53-1", a.as_ref(), &rules(), t("2026-11-19 00:00"));
        assert!(codes(&v.errors).contains(&("violation_at".into(), "in_future".into())));
        let v = judge(&f, "53-1", a.as_ref(), &rules(), t("2027-01-21 00:00"));
        assert!(codes(&v.errors).contains(&("violation_at".into(), "past_deadline".into())));
        f.kind = TicketKind::CitizenReport;
        f.reported_at = Some(t("2026-11-28 00:00"));
        let v = judge(&f, "53-1", a.as_ref(), &rules(), t("2026-11-28 01:00"));
        assert!(codes(&v.errors).contains(&("reported_at".into(), "report_too_late".into())));
    }

    #[test]
    fn periods_count_whole_taiwan_days_whatever_the_hour() {
        let d = driver();
        let on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let a = article("53-1", on);
        // 00:05 and 23:55 on 2026-11-20, Taiwan time.
        let early = t("2026-11-19 16:05");
        let late = t("2026-11-20 15:55");
        for violation_at in [early, late] {
            let mut f = red_light(&d);
            f.violation_at = violation_at;
            // Ticketable through the whole of 2027-01-20, Taiwan time.
            let last_minute = t("2027-01-20 15:59");
            let v = judge(&f, "53-1", a.as_ref(), &rules(), last_minute);
            assert!(!codes(&v.errors).iter().any(|(_, c)| c == "past_deadline"));
            let next_day = t("2027-01-20 16:00");
            let v = judge(&f, "53-1", a.as_ref(), &rules(), next_day);
            assert!(codes(&v.errors).contains(&("violation_at".into(), "past_deadline".into())));
            // Reported any time on the seventh day after: in time.
            f.kind = TicketKind::CitizenReport;
            f.reported_at = Some(t("2026-11-27 15:59"));
            let v = judge(&f, "53-1", a.as_ref(), &rules(), t("2026-11-28 01:00"));
            assert!(!codes(&v.errors).iter().any(|(_, c)| c == "report_too_late"));
            f.reported_at = Some(t("2026-11-27 16:00"));
            let v = judge(&f, "53-1", a.as_ref(), &rules(), t("2026-11-28 01:00"));
            assert!(codes(&v.errors).contains(&("reported_at".into(), "report_too_late".into())));
        }
    }

    #[test]
    fn article_kind_and_class_and_warnings() {
        let d = driver();
        let on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let mut f = red_light(&d);
        f.fine = 600;
        // The scooter two-stage turn is not for cars.
        let v = judge(
            &f,
            "48-2",
            article("48-2", on).as_ref(),
            &rules(),
            t("2026-11-20 03:00"),
        );
        assert!(
            codes(&v.errors).contains(&("article_code".into(), "not_for_vehicle_class".into()))
        );
        // Drunk driving cannot come from a citizen report.
        f.kind = TicketKind::CitizenReport;
        f.reported_at = Some(t("2026-11-20 03:00"));
        f.fine = 30000;
        let v = judge(
            &f,
            "35-1-1",
            article("35-1-1", on).as_ref(),
            &rules(),
            t("2026-11-20 03:00"),
        );
        assert!(codes(&v.errors).contains(&("article_code".into(), "not_for_ticket_kind".into())));
        let v = judge(&f, "99-9", None, &rules(), t("2026-11-20 03:00"));
        assert!(codes(&v.errors).contains(&("article_code".into(), "not_in_force".into())));
        // Warnings: an O in the plate, a sex the ID contradicts.
        let mut woman = driver();
        woman.sex = Some(Sex::Female);
        let mut f = red_light(&woman);
        f.plate = "OBC-1234";
        let v = judge(
            &f,
            "53-1",
            article("53-1", on).as_ref(),
            &rules(),
            t("2026-11-20 03:00"),
        );
        assert!(v.errors.is_empty(), "{:?}", v.errors);
        assert_eq!(
            codes(&v.warnings),
            vec![
                ("plate".into(), "confusable_letters".into()),
                ("driver.sex".into(), "sex_mismatch".into())
            ]
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn instant() -> impl Strategy<Value = NaiveDateTime> {
            let (min, max) = (
                NaiveDateTime::MIN.and_utc().timestamp(),
                NaiveDateTime::MAX.and_utc().timestamp(),
            );
            (min..max).prop_map(|s| {
                chrono::DateTime::from_timestamp(s, 0)
                    .map(|d| d.naive_utc())
                    .unwrap_or_default()
            })
        }

        fn day() -> impl Strategy<Value = Option<NaiveDate>> {
            proptest::option::of(instant().prop_map(|t| t.date()))
        }

        fn person() -> impl Strategy<Value = Person> {
            ("\\PC{0,12}", "[A-Z0-9]{0,12}", day(), any::<bool>()).prop_map(
                |(name, id, born, male)| Person {
                    name,
                    sex: Some(if male { Sex::Male } else { Sex::Female }),
                    birth_date: born,
                    national_id: Some(id),
                    address: None,
                },
            )
        }

        fn rule_values() -> impl Strategy<Value = HashMap<String, i32>> {
            proptest::collection::vec(any::<i32>(), 5).prop_map(|values| {
                crate::tickets::catalog::RULE_KEYS
                    .iter()
                    .zip(values)
                    .map(|(k, v)| (k.to_string(), v))
                    .collect()
            })
        }

        proptest! {
            /// Any facts, any rule values, any clock: a verdict, never a panic.
            #[test]
            fn any_ticket_gets_a_verdict(violation in instant(), reported in proptest::option::of(instant()),
                                         now in instant(), plate in "\\PC{0,16}", fine: i32,
                                         driver in person(), owner in person(), rules in rule_values(),
                                         kind in 0usize..3, class in 0usize..4) {
                let f = Facts {
                    kind: [TicketKind::OnTheSpot, TicketKind::Camera, TicketKind::CitizenReport][kind],
                    violation_at: violation,
                    reported_at: reported,
                    plate: &plate,
                    vehicle_class: VehicleClass::ALL[class],
                    fine,
                    driver: Some(&driver),
                    owner: Some(&owner),
                    signature_refused_reason: None,
                    signature_refused: false,
                };
                let a = article("53-1", NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
                let _ = judge(&f, "53-1", a.as_ref(), &rules, now);
            }
        }
    }
}
