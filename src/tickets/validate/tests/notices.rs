//! What 細則 §11 and §15 require of a notice: the people on it, the
//! signature, the due date by the kind of case.

use super::*;
use crate::tickets::input::{Crash, Recipient};
use crate::tickets::plate::VehicleClass::{Car, Motorcycle};

fn base<'a>(kind: TicketKind, d: &'a Person, o: &'a Person, s: &'a Signature) -> Facts<'a> {
    facts(kind, utc("2026-11-20 02:00"), Car, 2700, (d, o), s)
}

/// 細則 §15 I: 30 days from the day of issue; 45 for 逕行舉發, 肇事舉發,
/// 民眾檢舉舉發 and a recipient who is not the stopped driver.
#[test]
fn section_15_due_dates_by_the_kind_of_case() {
    let (d, o) = (driver(), owner());
    let (signed, nobody) = (signed(), nobody());
    let issued = day("2026-11-20");
    let due = |f: &Facts<'_>| verdict(f, "53-1").due_date.map(|d| (d - issued).num_days());
    assert_eq!(due(&base(TicketKind::OnTheSpot, &d, &o, &signed)), Some(30));
    assert_eq!(due(&base(TicketKind::Camera, &d, &o, &nobody)), Some(45));
    assert_eq!(
        due(&base(TicketKind::CitizenReport, &d, &o, &nobody)),
        Some(45)
    );
    let mut crash = base(TicketKind::OnTheSpot, &d, &o, &signed);
    crash.crash = Some(Crash {
        appraisal_concluded_on: None,
    });
    assert_eq!(due(&crash), Some(45));
    let mut to_owner = base(TicketKind::OnTheSpot, &d, &o, &signed);
    to_owner.recipient = Recipient::Owner;
    assert_eq!(due(&to_owner), Some(45));
}

/// 細則 §11 I(4): a notice issued without stopping goes to the owner, by
/// name and address.
#[test]
fn notices_without_a_stop_go_to_the_owner_with_an_address() {
    let d = driver();
    let mut o = owner();
    o.address = None;
    let s = nobody();
    let f = base(TicketKind::Camera, &d, &o, &s);
    assert!(found(&verdict(&f, "53-1").errors).contains(&"owner.address:required".to_owned()));
    let mut f = base(TicketKind::Camera, &d, &o, &s);
    f.recipient = Recipient::Driver;
    assert!(found(&verdict(&f, "53-1").errors).contains(&"recipient:not_stopped".to_owned()));
}

/// 細則 §11 I(3): a driver under 14 — the guardian's name, ID and address.
#[test]
fn a_driver_under_fourteen_needs_a_guardian() {
    let mut child = driver();
    child.birth_date = NaiveDate::from_ymd_opt(2013, 1, 1);
    let (o, s) = (owner(), signed());
    let mut f = facts(
        TicketKind::OnTheSpot,
        utc("2026-11-20 02:00"),
        Motorcycle,
        1800,
        (&child, &o),
        &s,
    );
    assert!(found(&verdict(&f, "53-1").errors).contains(&"guardian:required".to_owned()));
    let mut g = owner();
    g.address = None;
    f.guardian = Some(&g);
    assert!(found(&verdict(&f, "53-1").errors).contains(&"guardian.address:required".to_owned()));
    let g = owner();
    f.guardian = Some(&g);
    assert!(verdict(&f, "53-1").errors.is_empty());
    // Fourteen on the day: no guardian asked.
    let mut teen = driver();
    teen.birth_date = NaiveDate::from_ymd_opt(2012, 11, 20);
    let f = facts(
        TicketKind::OnTheSpot,
        utc("2026-11-20 02:00"),
        Motorcycle,
        1800,
        (&teen, &o),
        &s,
    );
    assert!(verdict(&f, "53-1").errors.is_empty());
}

/// 細則 §11 I(1): a refused signature records why and when the notice was
/// handed over; a refusal to take it records why.
#[test]
fn refused_signatures_and_refused_notices() {
    let (d, o) = (driver(), owner());
    let refused = Signature {
        status: SignatureStatus::Refused,
        reason: Some("不服".into()),
        handed_over_at: None,
    };
    let e = found(&verdict(&base(TicketKind::OnTheSpot, &d, &o, &refused), "53-1").errors);
    assert_eq!(e, vec!["signature.handed_over_at:required"]);
    let handed = Signature {
        handed_over_at: Some(utc("2026-11-20 02:05").and_utc()),
        ..refused
    };
    assert!(
        verdict(&base(TicketKind::OnTheSpot, &d, &o, &handed), "53-1")
            .errors
            .is_empty()
    );
    let not_taken = Signature {
        status: SignatureStatus::ReceiptRefused,
        reason: None,
        handed_over_at: None,
    };
    let e = found(&verdict(&base(TicketKind::OnTheSpot, &d, &o, &not_taken), "53-1").errors);
    assert_eq!(e, vec!["signature.reason:required"]);
    let nobody = nobody();
    let e = found(&verdict(&base(TicketKind::OnTheSpot, &d, &o, &nobody), "53-1").errors);
    assert_eq!(e, vec!["signature.status:required"]);
}

#[test]
fn every_bad_field_at_once() {
    let mut d = driver();
    d.national_id = Some("A123456788".into());
    d.birth_date = NaiveDate::from_ymd_opt(2030, 1, 1);
    let (o, s) = (
        owner(),
        Signature {
            status: SignatureStatus::Refused,
            reason: None,
            handed_over_at: None,
        },
    );
    let mut f = base(TicketKind::OnTheSpot, &d, &o, &s);
    f.fine = 600;
    f.plate = "MKA-32";
    assert_eq!(
        found(&verdict(&f, "53-1").errors),
        vec![
            "fine:out_of_range",
            "plate:format",
            "driver.national_id:check_digit",
            "driver.birth_date:in_future",
            "signature.reason:required",
            "signature.handed_over_at:required",
        ]
    );
}

/// Plates: the current format is every class's; an old shape unusual for
/// the class is a warning, never a refusal; I and O are suspicious.
#[test]
fn plates_warn_where_they_cannot_know() {
    let (d, o, s) = (driver(), owner(), signed());
    let mut f = base(TicketKind::OnTheSpot, &d, &o, &s);
    f.vehicle_class = Motorcycle;
    f.fine = 1800;
    f.plate = "MKB-2031"; // a scooter registered now: three letters, four digits
    let v = verdict(&f, "53-1");
    assert!(
        v.errors.is_empty() && !found(&v.warnings).iter().any(|w| w.starts_with("plate")),
        "{:?}",
        v.warnings
    );
    f.vehicle_class = Car;
    f.fine = 2700;
    f.plate = "MKA-321"; // an old scooter plate on a car
    let v = verdict(&f, "53-1");
    assert!(v.errors.is_empty());
    assert!(found(&v.warnings).contains(&"plate:vehicle_class_mismatch".to_owned()));
    f.plate = "OBC-1234";
    assert!(found(&verdict(&f, "53-1").warnings).contains(&"plate:confusable_letters".to_owned()));
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

    fn person() -> impl Strategy<Value = Person> {
        (
            "\\PC{0,12}",
            "[A-Z0-9]{0,12}",
            proptest::option::of(instant().prop_map(|t| t.date())),
            any::<bool>(),
        )
            .prop_map(|(name, id, born, male)| Person {
                name,
                sex: Some(if male { Sex::Male } else { Sex::Female }),
                birth_date: born,
                national_id: Some(id),
                address: None,
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
                                     driver in person(), guardian in person(), rules in rule_values(),
                                     kind in 0usize..3, class in 0usize..4, limit: i32, measured: i32,
                                     appraisal in proptest::option::of(instant())) {
            let s = Signature { status: SignatureStatus::Refused, reason: None, handed_over_at: None };
            let f = Facts {
                kind: [TicketKind::OnTheSpot, TicketKind::Camera, TicketKind::CitizenReport][kind],
                violation_at: violation,
                reported_at: reported,
                plate: &plate,
                vehicle_class: VehicleClass::ALL[class],
                fine,
                speed: Some(Speed { limit_kmh: limit, measured_kmh: measured }),
                crash: Some(Crash { appraisal_concluded_on: appraisal.map(|a| a.date()) }),
                recipient: Recipient::Owner,
                driver: Some(&driver),
                owner: Some(&driver),
                guardian: Some(&guardian),
                signature: &s,
            };
            for code in ["53-1", "43-1-2", "40"] {
                let a = article(code, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
                let _ = judge(&f, code, a.as_ref(), Rules { of_violation: &rules, of_issue: &rules }, now);
            }
        }
    }
}
