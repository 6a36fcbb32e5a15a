//! §31 (seat belts, helmets) and §31-1 (handheld phones), and what
//! citizens may report of them since 2024-06-30.

use super::Expect::*;
use super::*;
use crate::tickets::plate::VehicleClass::*;

#[test]
fn sections_31_and_31_1() {
    use super::Row as R;
    let rows = [
        // A large vehicle's seat belt is 1,500 like a car's, not 3,000.
        R {
            day: "2026-11-20",
            class: LargeVehicle,
            code: "31-1",
            fine: 1500,
            over: None,
            expect: Clean,
            source: "lawplayer-31",
        },
        R {
            day: "2026-11-20",
            class: LargeVehicle,
            code: "31-1",
            fine: 3000,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "lawplayer-31",
        },
        R {
            day: "2026-11-20",
            class: LargeVehicle,
            code: "31-1b",
            fine: 2000,
            over: None,
            expect: Clean,
            source: "lawplayer-31",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "31-2",
            fine: 3000,
            over: None,
            expect: Clean,
            source: "lawplayer-31",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "31-6",
            fine: 500,
            over: None,
            expect: Clean,
            source: "lawplayer-31",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "31.1-1",
            fine: 3000,
            over: None,
            expect: Clean,
            source: "tbkc-31-1",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "31.1-2",
            fine: 1000,
            over: None,
            expect: Clean,
            source: "tbkc-31-1",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "31.1-1",
            fine: 3000,
            over: None,
            expect: Error("article_code:not_for_vehicle_class"),
            source: "tbkc-31-1",
        },
    ];
    run(TicketKind::OnTheSpot, &rows);
}

/// §7-1 as amended 2024-05-29, in force 2024-06-30: a scooter rider's
/// handheld phone (§31-1 II) left the citizen-report list; a car
/// driver's (§31-1 I) and a helmet (§31 VI) stayed.
#[test]
fn citizens_report_by_the_list_of_the_day() {
    use super::Row as R;
    let rows = [
        R {
            day: "2024-06-29",
            class: Motorcycle,
            code: "31.1-2",
            fine: 1000,
            over: None,
            expect: Clean,
            source: "ttcpb-71-2023",
        },
        R {
            day: "2024-06-30",
            class: Motorcycle,
            code: "31.1-2",
            fine: 1000,
            over: None,
            expect: Error("article_code:not_reportable"),
            source: "udn-71-2025",
        },
        R {
            day: "2024-06-30",
            class: Car,
            code: "31.1-1",
            fine: 3000,
            over: None,
            expect: Clean,
            source: "udn-autos-71-2024",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "31-6",
            fine: 500,
            over: None,
            expect: Clean,
            source: "udn-autos-71-2024",
        },
        // A seat belt was never on the list.
        R {
            day: "2026-11-20",
            class: Car,
            code: "31-1",
            fine: 1500,
            over: None,
            expect: Error("article_code:not_reportable"),
            source: "yilan-police-71",
        },
    ];
    run(TicketKind::CitizenReport, &rows);
}
