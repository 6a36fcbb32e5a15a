//! The gates as a legal office would ask: each row a date, a rule and the
//! verdict, with the paragraph it comes from.

use super::*;

fn rules() -> HashMap<String, i32> {
    [
        ("ticketing_deadline_months", 2),
        ("ticketing_deadline_months_crash", 3),
        ("citizen_report_window_days", 7),
        ("citizen_repeat_minutes", 6),
        ("camera_speed_repeat_minutes", 6),
        ("camera_speed_repeat_km", 6),
        ("camera_parking_repeat_minutes", 120),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn utc(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn intake(source: TicketKind, violation: &str, received: &str) -> Intake<'static> {
    Intake {
        source,
        violation_at: utc(violation),
        received_at: utc(received),
        reported_article_kinds: None,
    }
}

/// Art. 90 with 行政程序法 §48 V: the violation day counts as the first
/// day, so two months from 09-10 end on 11-09 (not 11-10, §48 II's day).
#[test]
fn article_90_boundary_days() {
    // (violation UTC, Taiwan day asked, actionable?)
    let rows = [
        ("2026-09-10 15:30", "2026-11-09", true), // 23:30 Taiwan on 09-10: last day
        ("2026-09-10 15:30", "2026-11-10", false), // §48 II's last day: refused
        ("2026-09-10 16:30", "2026-11-10", true), // 00:30 on 09-11: one day more
        ("2026-09-10 16:30", "2026-11-11", false),
        ("2026-12-30 02:00", "2027-02-28", true), // no 02-30: the month's end
        ("2026-12-30 02:00", "2027-03-01", false),
        ("2026-11-02 02:00", "2027-01-01", true), // a holiday last day is not moved
        ("2026-11-02 02:00", "2027-01-02", false),
    ];
    for (violation, today, ok) in rows {
        let i = intake(TicketKind::Camera, violation, violation);
        let got = not_actionable(&i, &rules(), d(today));
        assert_eq!(got.is_none(), ok, "{violation} on {today}: {got:?}");
        if !ok {
            assert_eq!(got, Some(CloseReason::OutOfTime));
        }
    }
}

#[test]
fn no_deadline_rule_means_nothing_is_ticketed() {
    let i = intake(TicketKind::Camera, "2026-09-10 01:00", "2026-09-10 02:00");
    assert_eq!(
        not_actionable(&i, &HashMap::new(), d("2026-09-10")),
        Some(CloseReason::OutOfTime)
    );
}

/// §7-1 (行為終了日起逾七日之檢舉，不予舉發) with §48 V: a violation on the
/// 1st may be reported up to the 7th.
#[test]
fn article_7_1_window_boundary_days() {
    let rows = [
        ("2026-11-01 02:00", "2026-11-07 15:59", true), // 23:59 on the 7th
        ("2026-11-01 02:00", "2026-11-07 16:00", false), // 00:00 on the 8th
        ("2026-10-31 16:30", "2026-11-07 15:59", true), // 00:30 on the 1st
        ("2026-10-31 15:30", "2026-11-06 16:00", false), // 23:30 on 10-31: the 7th is one day late
    ];
    for (violation, received, ok) in rows {
        let i = intake(TicketKind::CitizenReport, violation, received);
        let got = not_actionable(&i, &rules(), d("2026-11-09"));
        assert_eq!(
            got.is_none(),
            ok,
            "{violation} reported {received}: {got:?}"
        );
        if !ok {
            assert_eq!(got, Some(CloseReason::ReportTooLate));
        }
    }
    // A camera case has no reporting window.
    let camera = intake(TicketKind::Camera, "2026-11-01 02:00", "2026-11-20 02:00");
    assert_eq!(not_actionable(&camera, &rules(), d("2026-11-20")), None);
}

#[test]
fn citizens_report_only_what_the_list_of_the_day_has() {
    let mut i = intake(
        TicketKind::CitizenReport,
        "2026-11-01 02:00",
        "2026-11-02 02:00",
    );
    let not_listed = [TicketKind::OnTheSpot, TicketKind::Camera];
    i.reported_article_kinds = Some(&not_listed);
    assert_eq!(
        not_actionable(&i, &rules(), d("2026-11-03")),
        Some(CloseReason::NotReportable)
    );
    let listed = [TicketKind::Camera, TicketKind::CitizenReport];
    i.reported_article_kinds = Some(&listed);
    assert_eq!(not_actionable(&i, &rules(), d("2026-11-03")), None);
}

/// §7-1 III: "同一輛汽車違規時間相隔未逾6分鐘及行駛未經一個路口以上…以舉發
/// 一次為限" — within six minutes the reviewer says whether an intersection
/// was passed.
#[test]
fn section_7_1_iii_six_minutes_and_no_intersection() {
    let rule = repeat_rule(TicketKind::CitizenReport, None, &rules()).unwrap();
    assert_eq!(rule, RepeatRule::SameAct { minutes: 6 });
    let passed = RepeatFinding {
        intersection_passed: true,
        in_tunnel: false,
    };
    let not_passed = RepeatFinding {
        intersection_passed: false,
        in_tunnel: false,
    };
    let rows = [
        (5, None, RepeatVerdict::NeedsFinding),
        (6, None, RepeatVerdict::NeedsFinding),
        (-6, None, RepeatVerdict::NeedsFinding),
        (7, None, RepeatVerdict::Lawful),
        (3, Some(&passed), RepeatVerdict::Lawful),
        (3, Some(&not_passed), RepeatVerdict::Unlawful),
    ];
    for (gap, finding, want) in rows {
        assert_eq!(
            judge_repeat(rule, gap, None, finding),
            want,
            "{gap} min, {finding:?}"
        );
    }
}

/// §85-1 II(1): speeding and §33 camera cases again only 6 km apart, 6
/// minutes apart or past an intersection; in a tunnel the limit does not
/// apply.
#[test]
fn section_85_1_ii_1_speeding_six_km_six_minutes_or_an_intersection() {
    let rule = repeat_rule(TicketKind::Camera, Some(RepeatGroup::Speed), &rules()).unwrap();
    assert_eq!(rule, RepeatRule::Speed { minutes: 6, km: 6 });
    let tunnel = RepeatFinding {
        intersection_passed: false,
        in_tunnel: true,
    };
    let nothing = RepeatFinding {
        intersection_passed: false,
        in_tunnel: false,
    };
    let rows = [
        (6, None, None, RepeatVerdict::Lawful),
        (5, None, None, RepeatVerdict::NeedsFinding),
        (5, Some(6.0), None, RepeatVerdict::Lawful),
        (5, Some(5.9), None, RepeatVerdict::NeedsFinding),
        (5, Some(2.0), Some(&tunnel), RepeatVerdict::Lawful),
        (5, Some(2.0), Some(&nothing), RepeatVerdict::Unlawful),
    ];
    for (gap, km, finding, want) in rows {
        assert_eq!(
            judge_repeat(rule, gap, km, finding),
            want,
            "{gap} min {km:?} km {finding:?}"
        );
    }
}

/// §85-1 II(2): parking under §56 I/II and §57 once every two hours.
#[test]
fn section_85_1_ii_2_parking_every_two_hours() {
    let rule = repeat_rule(TicketKind::Camera, Some(RepeatGroup::Parking), &rules()).unwrap();
    let any = RepeatFinding {
        intersection_passed: true,
        in_tunnel: true,
    };
    assert_eq!(
        judge_repeat(rule, 120, None, Some(&any)),
        RepeatVerdict::Unlawful
    );
    assert_eq!(judge_repeat(rule, 121, None, None), RepeatVerdict::Lawful);
}

#[test]
fn without_the_rules_in_force_no_repeat_rule_is_invented() {
    assert_eq!(
        repeat_rule(TicketKind::CitizenReport, None, &HashMap::new()),
        None
    );
}

#[test]
fn distances_on_the_ground() {
    // Tainan station to Chihkan Tower is about 1.3 km.
    let km = distance_km((22.9971, 120.2127), (22.9975, 120.2025));
    assert!((0.9..1.3).contains(&km), "{km}");
    assert_eq!(distance_km((23.0, 120.0), (23.0, 120.0)), 0.0);
}
