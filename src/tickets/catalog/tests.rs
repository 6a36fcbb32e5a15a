use super::*;
use crate::error::FieldErrors;

fn bundled() -> CatalogFile {
    serde_json::from_str(BUNDLED).unwrap()
}

fn fields_of(errors: FieldErrors) -> Vec<String> {
    match errors.into_result(()) {
        Err(crate::error::ApiError::Validation(list)) => {
            list.into_iter().map(|e| e.field).collect()
        }
        _ => vec![],
    }
}

#[test]
fn the_bundled_catalog_is_sound_and_has_the_seven_majors() {
    let file = bundled();
    let mut errors = FieldErrors::new();
    check(&file, &mut errors);
    assert!(errors.is_empty(), "{:?}", fields_of(errors));
    for major in MAJOR_VIOLATIONS {
        assert!(
            file.articles
                .iter()
                .any(|a| a.major.as_deref() == Some(major)),
            "{major}"
        );
    }
    for key in RULE_KEYS {
        assert!(file.rules.iter().any(|r| r.key == key), "{key}");
    }
}

/// The articles that make most tickets are covered, or said to be missing.
#[test]
fn the_articles_that_make_most_tickets_are_covered_or_named_as_missing() {
    let file = bundled();
    for article in [
        21, 29, 31, 33, 35, 40, 42, 43, 44, 45, 47, 48, 53, 55, 56, 60,
    ] {
        let covered = file
            .articles
            .iter()
            .any(|a| article_number(&a.code) == Some((article, None)));
        let named = file.notices.iter().any(|n| n.about == article.to_string());
        assert!(covered || named, "§{article}");
    }
    assert!(
        file.articles
            .iter()
            .any(|a| article_number(&a.code) == Some((31, Some(1))))
    );
}

/// Every version says where its figures come from: a source for the range
/// and the day it took force, and for the 基準表 amount where one is given.
#[test]
fn every_figure_has_a_source_with_the_words_relied_on() {
    let file = bundled();
    for a in &file.articles {
        for what in [Support::Range, Support::Date] {
            assert!(
                a.cites.iter().any(|c| c.supports.contains(&what)),
                "{} from {}: {what:?}",
                a.code,
                a.effective_from
            );
        }
        for c in &a.cites {
            let source = file.sources.get(&c.source).unwrap();
            assert!(source.url.starts_with("http"), "{}", c.source);
            assert!(!c.quote.trim().is_empty());
        }
    }
}

#[test]
fn a_version_that_calls_itself_confirmed_must_cite_the_law_for_every_figure() {
    let mut file = bundled();
    let i = file.articles.iter().position(|a| a.code == "53-1").unwrap();
    file.articles[i].status = Status::Confirmed;
    let mut errors = FieldErrors::new();
    check(&file, &mut errors);
    assert!(
        fields_of(errors).contains(&format!("articles[{i}].status")),
        "53-1's range is read in the press and a court decision only"
    );
}

#[test]
fn overlapping_versions_bad_fines_and_citizen_report_kinds_are_caught() {
    let mut file = bundled();
    let mut dup = file.articles[1].clone();
    dup.effective_from = dup.effective_from.succ_opt().unwrap();
    dup.fines.insert(
        crate::tickets::plate::VehicleClass::Car,
        Fine {
            range: [500, 100],
            schedule: None,
        },
    );
    dup.ticket_kinds.push(TicketKind::CitizenReport);
    file.articles.push(dup);
    let mut errors = FieldErrors::new();
    check(&file, &mut errors);
    let fields = fields_of(errors);
    let n = file.articles.len() - 1;
    for f in [
        format!("articles[{n}].effective_from"),
        format!("articles[{n}].fines.car.range"),
        format!("articles[{n}].ticket_kinds"),
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
}

#[test]
fn a_schedule_outside_the_range_and_an_unknown_source_are_caught() {
    let mut file = bundled();
    let i = file.articles.iter().position(|a| a.code == "53-1").unwrap();
    file.articles[i]
        .fines
        .get_mut(&crate::tickets::plate::VehicleClass::Motorcycle)
        .unwrap()
        .schedule = Some(Schedule::Amount(1000));
    file.articles[i].cites[0].source = "nowhere".into();
    let mut errors = FieldErrors::new();
    check(&file, &mut errors);
    let fields = fields_of(errors);
    assert!(
        fields.contains(&format!("articles[{i}].fines.motorcycle.schedule")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&format!("articles[{i}].cites[0].source")),
        "{fields:?}"
    );
}

#[test]
fn in_force_bounds_are_inclusive() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(in_force(d("2023-06-30"), None, d("2023-06-30")));
    assert!(in_force(
        d("2013-03-01"),
        Some(d("2023-06-29")),
        d("2023-06-29")
    ));
    assert!(!in_force(
        d("2013-03-01"),
        Some(d("2023-06-29")),
        d("2023-06-30")
    ));
    assert!(!in_force(d("2023-06-30"), None, d("2023-06-29")));
}

#[test]
fn article_numbers_are_read_from_codes() {
    assert_eq!(article_number("53-1"), Some((53, None)));
    assert_eq!(article_number("31.1-2"), Some((31, Some(1))));
    assert_eq!(article_number("40"), Some((40, None)));
    assert_eq!(article_number("48-1-2t"), Some((48, None)));
    assert_eq!(article_number("x"), None);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text offered as a catalog: parsed or refused, never a panic.
        #[test]
        fn any_text_is_parsed_or_refused(text in "\\PC{0,400}") {
            if let Ok(file) = serde_json::from_str::<CatalogFile>(&text) {
                check(&file, &mut FieldErrors::new());
            }
        }

        /// The bundled catalog with any numbers and dates in it: checked
        /// without a panic, and a rule value the checker accepts stays
        /// within what date arithmetic can use.
        #[test]
        fn any_values_are_checked(fine_a: i32, fine_b: i32, band: i32, rule: i32, from: i32, to: i32) {
            let mut file = bundled();
            let day = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or_default();
            if let Some(a) = file.articles.first_mut() {
                a.fines.insert(
                    crate::tickets::plate::VehicleClass::Car,
                    Fine {
                        range: [fine_a, fine_b],
                        schedule: Some(Schedule::Bands { bands: vec![Band { over: (band, Some(band)), amount: fine_a }] }),
                    },
                );
                a.effective_from = day(from);
                a.effective_to = Some(day(to));
            }
            if let Some(r) = file.rules.first_mut() {
                r.value = rule;
            }
            let mut errors = FieldErrors::new();
            check(&file, &mut errors);
            if errors.is_empty() {
                prop_assert!((1..=MAX_RULE_VALUE).contains(&rule));
            }
        }
    }
}
