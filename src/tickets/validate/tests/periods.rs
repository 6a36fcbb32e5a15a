//! Article 90's period and §7-1's window, counted by 行政程序法 §48 V
//! (docs/legal-periods.md), and Article 90's proviso for crashes.

use super::*;
use crate::tickets::input::Crash;
use crate::tickets::plate::VehicleClass::Car;

fn judged_at(f: &Facts<'_>, now: NaiveDateTime) -> Vec<String> {
    let d = time::taiwan_date(f.violation_at);
    let rules = rules_on(d);
    let v = judge(
        f,
        "53-1",
        article("53-1", d).as_ref(),
        Rules {
            of_violation: &rules,
            of_issue: &rules,
        },
        now,
    );
    found(&v.errors)
}

/// (violation UTC, now UTC, past the deadline?): two months from 11-20
/// (counted) end on 2027-01-19 — never the 20th, §48 II's last day.
#[test]
fn article_90_boundary_days_whatever_the_hour() {
    let (d, o, s) = (driver(), owner(), signed());
    let rows = [
        ("2026-11-19 16:05", "2027-01-19 15:59", false), // 00:05 on 11-20; 23:59 on 01-19
        ("2026-11-20 15:55", "2027-01-19 15:59", false), // 23:55 on 11-20
        ("2026-11-19 16:05", "2027-01-19 16:00", true),  // 00:00 on 01-20
        ("2026-11-20 15:55", "2027-01-19 16:00", true),
    ];
    for (violation, now, past) in rows {
        let f = facts(
            TicketKind::OnTheSpot,
            utc(violation),
            Car,
            2700,
            (&d, &o),
            &s,
        );
        let errors = judged_at(&f, utc(now));
        assert_eq!(
            errors.contains(&"violation_at:past_deadline".to_owned()),
            past,
            "{violation} at {now}: {errors:?}"
        );
    }
}

/// Art. 90 proviso: a crash with injury or death analysed without an
/// appraisal: three months; sent for one: two months from its end.
#[test]
fn article_90_crashes_with_injury_or_death() {
    let (d, o, s) = (driver(), owner(), signed());
    let mut f = facts(
        TicketKind::OnTheSpot,
        utc("2026-11-20 02:00"),
        Car,
        2700,
        (&d, &o),
        &s,
    );
    // Two months and a day later: barred without a crash ...
    assert!(
        judged_at(&f, utc("2027-01-20 02:00")).contains(&"violation_at:past_deadline".to_owned())
    );
    // ... still open for a crash: three months end on 2027-02-19.
    f.crash = Some(Crash {
        appraisal_concluded_on: None,
    });
    assert!(judged_at(&f, utc("2027-02-19 02:00")).is_empty());
    assert!(
        judged_at(&f, utc("2027-02-20 02:00")).contains(&"violation_at:past_deadline".to_owned())
    );
    // An appraisal that ended 2027-03-01: two months from it, to 04-30.
    f.crash = Some(Crash {
        appraisal_concluded_on: Some(day("2027-03-01")),
    });
    assert!(judged_at(&f, utc("2027-04-30 02:00")).is_empty());
    assert!(
        judged_at(&f, utc("2027-05-01 02:00")).contains(&"violation_at:past_deadline".to_owned())
    );
    // An appraisal cannot end before the crash.
    f.crash = Some(Crash {
        appraisal_concluded_on: Some(day("2026-11-01")),
    });
    assert!(
        judged_at(&f, utc("2026-11-20 03:00"))
            .contains(&"crash.appraisal_concluded_on:before_violation".to_owned())
    );
}

/// §7-1: a violation on the 20th may be reported until the 26th (the
/// 20th counted, §48 V), never on the 27th (§48 II's last day).
#[test]
fn article_7_1_window_boundary_days() {
    let (d, o, s) = (driver(), owner(), nobody());
    let rows = [
        ("2026-11-26 15:59", false), // 23:59 on the 26th
        ("2026-11-26 16:00", true),  // 00:00 on the 27th
    ];
    for (reported, late) in rows {
        let mut f = facts(
            TicketKind::CitizenReport,
            utc("2026-11-20 02:00"),
            Car,
            2700,
            (&d, &o),
            &s,
        );
        f.reported_at = Some(utc(reported));
        let errors = judged_at(&f, utc("2026-11-27 03:00"));
        assert_eq!(
            errors.contains(&"reported_at:report_too_late".to_owned()),
            late,
            "{reported}: {errors:?}"
        );
    }
}

#[test]
fn a_time_in_the_future_is_refused() {
    let (d, o, s) = (driver(), owner(), signed());
    let f = facts(
        TicketKind::OnTheSpot,
        utc("2026-11-20 02:00"),
        Car,
        2700,
        (&d, &o),
        &s,
    );
    assert!(judged_at(&f, utc("2026-11-20 01:00")).contains(&"violation_at:in_future".to_owned()));
}
