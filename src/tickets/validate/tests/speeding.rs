//! §§33, 40, 43: speeding, by the km/h over the limit.

use super::Expect::*;
use super::*;
use crate::tickets::plate::VehicleClass::*;

#[test]
fn section_40_and_43_by_band() {
    use super::Row as R;
    let rows = [
        // Since 2023-06-30 40 km/h over or less is §40 (1,200–2,400), more is
        // §43 I(2) (6,000–36,000).
        R {
            day: "2024-03-01",
            class: Car,
            code: "40",
            fine: 1600,
            over: Some(15),
            expect: Clean,
            source: "fstchoice-speed-2023",
        },
        R {
            day: "2024-03-01",
            class: Motorcycle,
            code: "40",
            fine: 1400,
            over: Some(35),
            expect: Clean,
            source: "fstchoice-speed-2023",
        },
        R {
            day: "2024-03-01",
            class: Car,
            code: "40",
            fine: 1600,
            over: Some(35),
            expect: Warn("fine:off_schedule"),
            source: "fstchoice-speed-2023",
        },
        R {
            day: "2024-03-01",
            class: Car,
            code: "40",
            fine: 2400,
            over: Some(45),
            expect: Error("speed:outside_article"),
            source: "ilawyer-44",
        },
        R {
            day: "2024-03-01",
            class: Car,
            code: "40",
            fine: 1600,
            over: None,
            expect: Error("speed:required"),
            source: "ilawyer-44",
        },
        R {
            day: "2024-03-01",
            class: Car,
            code: "43-1-2",
            fine: 12000,
            over: Some(45),
            expect: Clean,
            source: "gonews-43-2023",
        },
        R {
            day: "2024-03-01",
            class: Motorcycle,
            code: "43-1-2",
            fine: 16000,
            over: Some(70),
            expect: Clean,
            source: "gonews-43-2023",
        },
        R {
            day: "2024-03-01",
            class: Car,
            code: "43-1-2",
            fine: 36000,
            over: Some(85),
            expect: Clean,
            source: "gonews-43-2023",
        },
        R {
            day: "2024-03-01",
            class: Car,
            code: "43-1-2",
            fine: 40000,
            over: Some(85),
            expect: Error("fine:out_of_range"),
            source: "rootlaw-43-2023",
        },
        R {
            day: "2024-03-01",
            class: Car,
            code: "43-1-2",
            fine: 6000,
            over: Some(30),
            expect: Error("speed:outside_article"),
            source: "rootlaw-43-2023",
        },
        // Before 2023-06-30 §43 I(2) began at 60 over, up to 24,000.
        R {
            day: "2023-06-29",
            class: Car,
            code: "43-1-2",
            fine: 8000,
            over: Some(65),
            expect: Clean,
            source: "fstchoice-speed-2023",
        },
        R {
            day: "2023-06-29",
            class: Car,
            code: "43-1-2",
            fine: 8000,
            over: Some(45),
            expect: Error("speed:outside_article"),
            source: "moj-news-43-2021",
        },
        R {
            day: "2023-06-29",
            class: Car,
            code: "43-1-2",
            fine: 30000,
            over: Some(65),
            expect: Error("fine:out_of_range"),
            source: "moj-news-43-2021",
        },
        // From the 2025 基準表 on, its amounts were not read: the range
        // alone, no warning about an amount.
        R {
            day: "2026-11-20",
            class: Car,
            code: "43-1-2",
            fine: 20000,
            over: Some(45),
            expect: Clean,
            source: "taipei-d0080029-2025",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "40",
            fine: 2000,
            over: Some(10),
            expect: Clean,
            source: "taipei-d0080029-2025",
        },
        // §33 I(1) on motorways: 3,000–6,000, bands to 40 over.
        R {
            day: "2024-03-01",
            class: LargeVehicle,
            code: "33-1-1",
            fine: 4500,
            over: Some(30),
            expect: Clean,
            source: "fstchoice-speed-2023",
        },
        R {
            day: "2024-03-01",
            class: Motorcycle,
            code: "33-1-1",
            fine: 3000,
            over: Some(10),
            expect: Error("article_code:not_for_vehicle_class"),
            source: "moj-k0040012-33",
        },
    ];
    run(TicketKind::OnTheSpot, &rows);
}

#[test]
fn severe_speeding_is_a_major_violation_only_from_40_over_since_2023() {
    let after = article("43-1-2", day("2023-06-30")).unwrap();
    let before = article("43-1-2", day("2023-06-29")).unwrap();
    assert_eq!(after.major.as_deref(), Some("severe_speeding"));
    assert_eq!(after.speed_over, Some((41, None)));
    assert_eq!(before.speed_over, Some((61, None)));
}
