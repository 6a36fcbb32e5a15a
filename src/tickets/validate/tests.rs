use super::*;
use crate::tickets::catalog::{BUNDLED, CatalogFile, in_force};

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
    assert!(codes(&v.errors).contains(&("article_code".into(), "not_for_vehicle_class".into())));
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
        ("\\PC{0,12}", "[A-Z0-9]{0,12}", day(), any::<bool>()).prop_map(|(name, id, born, male)| {
            Person {
                name,
                sex: Some(if male { Sex::Male } else { Sex::Female }),
                birth_date: born,
                national_id: Some(id),
                address: None,
            }
        })
    }

    fn rule_values() -> impl Strategy<Value = HashMap<String, i32>> {
        proptest::collection::vec(any::<i32>(), crate::tickets::catalog::RULE_KEYS.len()).prop_map(
            |values| {
                crate::tickets::catalog::RULE_KEYS
                    .iter()
                    .zip(values)
                    .map(|(k, v)| (k.to_string(), v))
                    .collect()
            },
        )
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
