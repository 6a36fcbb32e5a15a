//! §§55, 56: stopping and parking, and what citizens may report of them.

use super::Expect::*;
use super::*;
use crate::tickets::plate::VehicleClass::*;

#[test]
fn sections_55_and_56() {
    use super::Row as R;
    let rows = [
        // A scooter's parking fine is not below the Act's 600.
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "56-1-4",
            fine: 300,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "westdoor-56-2011",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "56-1-4",
            fine: 600,
            over: None,
            expect: Clean,
            source: "westdoor-56-2011",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "55-1-2",
            fine: 600,
            over: None,
            expect: Clean,
            source: "lawplayer-55",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "55-1-2",
            fine: 900,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "lawplayer-55",
        },
    ];
    run(TicketKind::Camera, &rows);
}

/// Since 2024-06-30 citizens may report stopping on a pavement or a
/// crossing (§55 I(1), 55-1-1p) but not within ten metres of an
/// intersection (§55 I(2)) nor on a bridge or in a tunnel (55-1-1b).
#[test]
fn citizens_report_some_items_of_one_paragraph_and_not_others() {
    use super::Row as R;
    let rows = [
        R {
            day: "2026-11-20",
            class: Car,
            code: "55-1-1p",
            fine: 600,
            over: None,
            expect: Clean,
            source: "udn-autos-71-2024",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "55-1-1b",
            fine: 600,
            over: None,
            expect: Error("article_code:not_reportable"),
            source: "udn-autos-71-2024",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "55-1-2",
            fine: 600,
            over: None,
            expect: Error("article_code:not_reportable"),
            source: "udn-autos-71-2024",
        },
        R {
            day: "2024-06-29",
            class: Car,
            code: "55-1-2",
            fine: 600,
            over: None,
            expect: Clean,
            source: "udn-autos-71-2024",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "56-1-10",
            fine: 1200,
            over: None,
            expect: Clean,
            source: "udn-autos-71-2024",
        },
    ];
    run(TicketKind::CitizenReport, &rows);
}
