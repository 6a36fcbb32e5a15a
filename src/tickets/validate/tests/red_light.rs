//! §53: red lights and red-light right turns.

use super::Expect::*;
use super::*;
use crate::tickets::plate::VehicleClass::*;

#[test]
fn section_53() {
    use super::Row as R;
    let rows = [
        // §53 I is 1,800–5,400 on the Act (not 2,700–8,100): a scooter's
        // red light at the lawful 1,800 is the 基準表 amount.
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "53-1",
            fine: 1800,
            over: None,
            expect: Clean,
            source: "yahoo-20251203",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "53-1",
            fine: 2700,
            over: None,
            expect: Clean,
            source: "yahoo-20251203",
        },
        R {
            day: "2026-11-20",
            class: LargeVehicle,
            code: "53-1",
            fine: 3600,
            over: None,
            expect: Clean,
            source: "yahoo-20251203",
        },
        // Heavy motorcycles as small cars (細則 §2 III).
        R {
            day: "2026-11-20",
            class: HeavyMotorcycle,
            code: "53-1",
            fine: 2700,
            over: None,
            expect: Clean,
            source: "taipei-d0080029-2",
        },
        // Inside the Act's range, off the 基準表: a warning to acknowledge.
        R {
            day: "2026-11-20",
            class: Car,
            code: "53-1",
            fine: 3000,
            over: None,
            expect: Warn("fine:off_schedule"),
            source: "yahoo-20251203",
        },
        // Outside the Act's range: an error.
        R {
            day: "2026-11-20",
            class: Car,
            code: "53-1",
            fine: 8100,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "ettoday-20251008",
        },
        R {
            day: "2026-11-20",
            class: Motorcycle,
            code: "53-1",
            fine: 1200,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "ettoday-20251008",
        },
        // Before the 2025 基準表 revision, the amounts read in 2022.
        R {
            day: "2025-09-29",
            class: Motorcycle,
            code: "53-1",
            fine: 1800,
            over: None,
            expect: Clean,
            source: "ihoctot-53-2022",
        },
        // §53 II, a red-light right turn: 600–1,800, its own provision.
        R {
            day: "2025-09-29",
            class: Car,
            code: "53-2",
            fine: 600,
            over: None,
            expect: Clean,
            source: "ihoctot-53-2022",
        },
        R {
            day: "2025-09-29",
            class: LargeVehicle,
            code: "53-2",
            fine: 1400,
            over: None,
            expect: Clean,
            source: "ihoctot-53-2022",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "53-2",
            fine: 1800,
            over: None,
            expect: Clean,
            source: "ettoday-20251008",
        },
        R {
            day: "2026-11-20",
            class: Car,
            code: "53-2",
            fine: 2700,
            over: None,
            expect: Error("fine:out_of_range"),
            source: "ettoday-20251008",
        },
        // Nothing before the catalog's first version.
        R {
            day: "2023-06-29",
            class: Car,
            code: "53-1",
            fine: 2700,
            over: None,
            expect: Error("article_code:not_in_force"),
            source: "yahoo-autos-20230630",
        },
    ];
    run(TicketKind::OnTheSpot, &rows);
}

#[test]
fn the_scheduled_amount_is_what_the_notice_should_show() {
    let (d, o, s) = (driver(), owner(), signed());
    for (class, amount) in [
        (Car, 2700),
        (LargeVehicle, 3600),
        (Motorcycle, 1800),
        (HeavyMotorcycle, 2700),
    ] {
        let f = facts(
            TicketKind::OnTheSpot,
            ten_am(day("2026-11-20")),
            class,
            amount,
            (&d, &o),
            &s,
        );
        assert_eq!(
            verdict(&f, "53-1").scheduled_fine,
            Some(amount),
            "{class:?}"
        );
    }
}

#[test]
fn every_version_in_the_catalog_is_unconfirmed_until_the_legal_office_says_so() {
    let (d, o, s) = (driver(), owner(), signed());
    let f = facts(
        TicketKind::OnTheSpot,
        ten_am(day("2026-11-20")),
        Car,
        2700,
        (&d, &o),
        &s,
    );
    let v = verdict(&f, "53-1");
    let w = v.warnings.iter().find(|w| w.code == "unconfirmed").unwrap();
    assert!(
        w.zh.as_deref()
            .unwrap_or_default()
            .contains("未經法制單位確認")
    );
}
