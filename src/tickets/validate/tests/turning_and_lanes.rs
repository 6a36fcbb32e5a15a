//! §§42, 44, 45, 47, 48, 60: lights, pedestrians, right of way,
//! overtaking, turning, signs.

use super::Expect::*;
use super::*;
use crate::tickets::plate::VehicleClass::*;

#[test]
fn sections_44_45_47_48_60() {
    use super::Row as R;
    let rows = [
        // The scooter two-stage left turn is §48 I(2) (48-1-2t), not §48 II.
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "48-1-2t",
            fine: 600,
            over: None,
            expect: Clean,
            source: "rootlaw-48-2023",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "48-1-2t",
            fine: 600,
            over: None,
            expect: Error("article_code:not_for_vehicle_class"),
            source: "udn-20260224",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "48-1-2",
            fine: 1800,
            over: None,
            expect: Clean,
            source: "rootlaw-48-2023",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "48-2",
            fine: 1200,
            over: None,
            expect: Error("article_code:not_in_force"),
            source: "rootlaw-48-2023",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "45-1-1",
            fine: 600,
            over: None,
            expect: Clean,
            source: "moj-k0040012-45",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "45-1-13",
            fine: 1800,
            over: None,
            expect: Clean,
            source: "moj-k0040012-45",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "45-1-13",
            fine: 600,
            over: None,
            expect: Error("article_code:not_for_vehicle_class"),
            source: "moj-k0040012-45",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "44-2",
            fine: 6000,
            over: None,
            expect: Clean,
            source: "ilawyer-44",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "44-2",
            fine: 7200,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "ilawyer-44",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "44-3",
            fine: 7200,
            over: None,
            expect: Clean,
            source: "ilawyer-44",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "47-3",
            fine: 1200,
            over: None,
            expect: Clean,
            source: "ucptt-47",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "42",
            fine: 1200,
            over: None,
            expect: Clean,
            source: "co47-42-2025",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "60-2-3",
            fine: 900,
            over: None,
            expect: Clean,
            source: "g4ts-60",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "60-2-3",
            fine: 600,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "ettoday-20251008",
        },
    ];
    run(TicketKind::OnTheSpot, &rows);
}

#[test]
fn the_seven_majors_have_their_right_items() {
    let on = day("2026-11-20");
    for (code, major) in [
        ("35-1-1", "drunk_driving"),
        ("43-1-2", "severe_speeding"),
        ("53-1", "red_light"),
        ("45-1-1", "wrong_way"),
        ("48-1-1", "improper_turn"),
        ("48-1-2t", "scooter_two_stage_turn"),
        ("45-1-13", "scooter_forbidden_lane"),
    ] {
        assert_eq!(
            article(code, on).unwrap().major.as_deref(),
            Some(major),
            "{code}"
        );
    }
    assert_eq!(
        article("53-2", on).unwrap().major,
        None,
        "a right turn on red is not running it"
    );
}
