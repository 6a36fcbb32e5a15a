//! §21 (driving without a licence) and §35 (alcohol).

use super::Expect::*;
use super::*;
use crate::tickets::plate::VehicleClass::*;

#[test]
fn section_21_before_and_after_2026_01_31() {
    use super::Row as R;
    let rows = [
        R {
            day: "2026-01-30",
            class: Car,
            code: "21-1-1",
            fine: 24000,
            over: None,
            expect: Clean,
            source: "udn-20260131",
        },
        R {
            day: "2026-01-30",
            class: Car,
            code: "21-1-1",
            fine: 30000,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "udn-20260131",
        },
        R {
            day: "2026-01-31",
            class: Car,
            code: "21-1-1",
            fine: 24000,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "udn-20260131",
        },
        R {
            day: "2026-01-31",
            class: Car,
            code: "21-1-1",
            fine: 60000,
            over: None,
            expect: Clean,
            source: "udn-20260131",
        },
        R {
            day: "2026-01-31",
            class: Motorcycle,
            code: "21-1-1",
            fine: 18000,
            over: None,
            expect: Clean,
            source: "udn-20260131",
        },
        R {
            day: "2026-01-31",
            class: Motorcycle,
            code: "21-1-1",
            fine: 40000,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "udn-20260131",
        },
        // §21 is small cars and scooters; large vehicles are §21-1.
        R {
            day: "2026-01-31",
            class: LargeVehicle,
            code: "21-1-1",
            fine: 40000,
            over: None,
            expect: Error("article_code:not_for_vehicle_class"),
            source: "udn-20260131",
        },
    ];
    run(TicketKind::OnTheSpot, &rows);
}

#[test]
fn section_35_before_and_after_2019_07_01() {
    use super::Row as R;
    let rows = [
        R {
            day: "2019-06-30",
            class: Car,
            code: "35-1-1",
            fine: 15000,
            over: None,
            expect: Clean,
            source: "police-35-2013",
        },
        R {
            day: "2019-07-01",
            class: Car,
            code: "35-1-1",
            fine: 15000,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "hccp-35-2019",
        },
        R {
            day: "2019-07-01",
            class: Car,
            code: "35-1-1",
            fine: 30000,
            over: None,
            expect: Clean,
            source: "hccp-35-2019",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "35-1-1",
            fine: 15000,
            over: None,
            expect: Clean,
            source: "ntpc-k0040012-35",
        },
        R {
            day: "2026-11-20",
            class: LargeVehicle,
            code: "35-1-1",
            fine: 120000,
            over: None,
            expect: Clean,
            source: "ntpc-k0040012-35",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "35-1-1",
            fine: 120000,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "ntpc-k0040012-35",
        },
    ];
    run(TicketKind::OnTheSpot, &rows);
}

#[test]
fn drunk_driving_is_never_a_citizen_report_nor_a_camera_case() {
    let (d, o, s) = (driver(), owner(), nobody());
    let at = ten_am(day("2026-11-20"));
    let f = facts(TicketKind::CitizenReport, at, Car, 30000, (&d, &o), &s);
    assert!(
        found(&verdict(&f, "35-1-1").errors).contains(&"article_code:not_reportable".to_owned())
    );
    let f = facts(TicketKind::Camera, at, Car, 30000, (&d, &o), &s);
    assert!(
        found(&verdict(&f, "35-1-1").errors)
            .contains(&"article_code:not_for_ticket_kind".to_owned())
    );
}
