use super::*;

#[test]
fn the_reports_warning_catches_agreeing_mistakes_even_when_reports_are_often_wrong() {
    let spec = |report_wrong| Spec {
        cases: 200_000,
        field_error_rate: 0.02,
        resolver_error_rate: 0.0,
        wrongly_acknowledged: 0.0,
        report_wrong,
        ..Spec::default()
    };
    let time_and_article = |out: &[Outcome], i: usize| {
        out.get(i)
            .map(|o| {
                ["article_code", "violation_at"]
                    .iter()
                    .filter_map(|f| o.wrong_by_field.get(f))
                    .sum::<u64>()
            })
            .unwrap_or(u64::MAX)
    };
    // A report that is always right is as good as the camera's record:
    // what is left is a keyer repeating the same misreading on the
    // second look and the verifier making it too.
    let right = run(&spec(0.0), &|_, _| {});
    assert!(
        time_and_article(&right, 4) * 20 <= time_and_article(&right, 2),
        "{right:?}"
    );
    // Wrong one time in five, it still catches most of what the two
    // keyers agreed on: a right keying is confirmed on a second look.
    let often_wrong = run(&spec(0.2), &|_, _| {});
    let without = time_and_article(&often_wrong, 2);
    assert!(without >= 20, "{often_wrong:?}");
    assert!(
        time_and_article(&often_wrong, 4) * 4 <= without,
        "{often_wrong:?}"
    );
    assert!(often_wrong.iter().all(|o| o.tickets == 200_000));
}

#[test]
fn each_safeguard_lowers_the_error_rate() {
    let spec = Spec {
        cases: 20_000,
        ..Spec::default()
    };
    let out = run(&spec, &|_, _| {});
    let rate = |i: usize| out.get(i).map(|o| o.error_rate).unwrap_or(1.0);
    // About four fields at 1% each: single keying is wrong ~4% of the time.
    assert!((0.02..0.06).contains(&rate(0)), "{out:?}");
    assert!(rate(1) < rate(0) / 20.0, "{out:?}");
    assert!(out.iter().all(|o| o.tickets == 20_000));
    let cost = |i: usize| out.get(i).map(|o| o.steps_per_ticket).unwrap_or(0.0);
    assert!(cost(1) > 2.0 && cost(0) == 1.0);
}

#[test]
fn the_registry_catches_plates_and_classes_both_keyers_got_wrong() {
    let spec = Spec {
        cases: 20_000,
        field_error_rate: 0.03,
        ..Spec::default()
    };
    let out = run(&spec, &|_, _| {});
    let vehicle = |i: usize| {
        out.get(i)
            .map(|o| {
                ["plate", "vehicle_class"]
                    .iter()
                    .filter_map(|f| o.wrong_by_field.get(f))
                    .sum::<u64>()
            })
            .unwrap_or(0)
    };
    assert!(vehicle(1) >= 4, "{out:?}");
    assert!(vehicle(2) * 4 <= vehicle(1), "{out:?}");
}

#[test]
fn nobody_wrong_means_nothing_wrong() {
    let spec = Spec {
        cases: 500,
        field_error_rate: 0.0,
        resolver_error_rate: 0.0,
        ..Spec::default()
    };
    assert!(run(&spec, &|_, _| {}).iter().all(|o| o.wrong == 0));
}

#[test]
fn the_camera_warning_catches_what_two_keyers_agree_on_unless_waved_through() {
    let spec = |wrongly_acknowledged| Spec {
        cases: 200_000,
        field_error_rate: 0.02,
        // Only the keyers err: what the third person gets wrong is
        // not the warning's to catch.
        resolver_error_rate: 0.0,
        wrongly_acknowledged,
        ..Spec::default()
    };
    let wrong = |out: &[Outcome], field: &str| {
        out.get(3)
            .and_then(|o| o.wrong_by_field.get(field).copied())
            .unwrap_or(0)
    };
    let heeded = run(&spec(0.0), &|_, _| {});
    let waved = run(&spec(1.0), &|_, _| {});
    // Heeded, hardly a time or article is issued wrong (a keyer who
    // misreads the same way twice confirms it); waved through, the
    // warning changes nothing and both are as without it.
    let registry_time_and_article = heeded
        .get(2)
        .map(|o| {
            ["article_code", "violation_at"]
                .iter()
                .filter_map(|f| o.wrong_by_field.get(f))
                .sum::<u64>()
        })
        .unwrap_or(0);
    assert!(
        (wrong(&heeded, "article_code") + wrong(&heeded, "violation_at")) * 20
            <= registry_time_and_article,
        "{heeded:?}"
    );
    assert!(wrong(&waved, "article_code") > 0, "{waved:?}");
    let registry_only = waved.get(2).map(|o| o.wrong).unwrap_or(0);
    let with_warning = waved.get(3).map(|o| o.wrong).unwrap_or(0);
    assert!(with_warning * 2 > registry_only, "{waved:?}");
}
