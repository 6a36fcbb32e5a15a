//! The rules as a legal office would ask them: one file per article
//! family, each a table of cases — the day, the class, the provision, the
//! amount, the verdict — each row naming the source (an id of the bundled
//! catalog's `sources`) its figure comes from. The catalog they read is
//! the bundled one, as it would be loaded.

mod licence_and_alcohol;
mod notices;
mod parking;
mod periods;
mod phones_and_belts;
mod red_light;
mod speeding;
mod turning_and_lanes;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::tickets::catalog::{BUNDLED, CatalogFile, in_force, reporting};
use crate::tickets::input::{Recipient, Signature, SignatureStatus, Speed};

pub(super) fn catalog() -> CatalogFile {
    serde_json::from_str(BUNDLED).unwrap()
}

/// The version of `code` in force on `day` with its citizen-report listing
/// of that day, as `catalog_store::articles_on` gives it.
pub(super) fn article(code: &str, day: NaiveDate) -> Option<ArticleVersion> {
    let file = catalog();
    let list = reporting::list_on(&file.citizen_reporting, day).cloned();
    file.articles
        .into_iter()
        .find(|a| a.code == code && in_force(a.effective_from, a.effective_to, day))
        .map(|mut a| {
            a.citizen_reporting = list.as_ref().and_then(|l| reporting::listing(l, code));
            if a.citizen_reporting.is_some() {
                a.ticket_kinds.push(TicketKind::CitizenReport);
            }
            a
        })
}

/// The bundled rules in force on `day`.
pub(super) fn rules_on(day: NaiveDate) -> HashMap<String, i32> {
    catalog()
        .rules
        .into_iter()
        .filter(|r| in_force(r.effective_from, r.effective_to, day))
        .map(|r| (r.key, r.value))
        .collect()
}

pub(super) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(super) fn utc(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// 10:00 Taiwan time on a day, in UTC.
pub(super) fn ten_am(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(2, 0, 0).unwrap()
}

pub(super) fn driver() -> Person {
    Person {
        name: "王小明".into(),
        sex: Some(Sex::Male),
        birth_date: NaiveDate::from_ymd_opt(1990, 5, 1),
        national_id: Some("A123456789".into()),
        address: Some("臺南市東區大學路1號".into()),
    }
}

pub(super) fn owner() -> Person {
    Person {
        name: "陳大同".into(),
        sex: None,
        birth_date: None,
        national_id: Some("A123456789".into()),
        address: Some("臺南市中西區民族路二段1號".into()),
    }
}

pub(super) fn signed() -> Signature {
    Signature {
        status: SignatureStatus::Obtained,
        reason: None,
        handed_over_at: None,
    }
}

pub(super) fn nobody() -> Signature {
    Signature {
        status: SignatureStatus::NotApplicable,
        reason: None,
        handed_over_at: None,
    }
}

/// A ticket of `kind` for a class, a plate in the current format.
pub(super) fn facts<'a>(
    kind: TicketKind,
    at: NaiveDateTime,
    class: VehicleClass,
    fine: i32,
    people: (&'a Person, &'a Person),
    signature: &'a Signature,
) -> Facts<'a> {
    let stopped = kind.driver_stopped();
    Facts {
        kind,
        violation_at: at,
        reported_at: (kind == TicketKind::CitizenReport).then_some(at),
        plate: "BFD-3021",
        vehicle_class: class,
        fine,
        speed: None,
        crash: None,
        recipient: if stopped {
            Recipient::Driver
        } else {
            Recipient::Owner
        },
        driver: stopped.then_some(people.0),
        owner: Some(people.1),
        guardian: None,
        signature,
    }
}

/// Judges with the bundled catalog and rules, ten minutes after.
pub(super) fn verdict(f: &Facts<'_>, code: &str) -> Verdict {
    let d = time::taiwan_date(f.violation_at);
    let rules = rules_on(d);
    let now = f.violation_at + chrono::Duration::minutes(10);
    let issue = rules_on(time::taiwan_date(now));
    judge(
        f,
        code,
        article(code, d).as_ref(),
        Rules {
            of_violation: &rules,
            of_issue: &issue,
        },
        now,
    )
}

pub(super) fn found(list: &[FieldError]) -> Vec<String> {
    list.iter()
        .map(|e| format!("{}:{}", e.field, e.code))
        .collect()
}

/// What a row expects.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expect {
    /// No error, no warning but the catalog's own "unconfirmed".
    Clean,
    /// No error; this warning among the warnings.
    Warn(&'static str),
    /// This error among the errors.
    Error(&'static str),
}

/// One case of a table: on `day`, a `class` vehicle under `code` fined
/// `fine` (going `over` km/h over the limit) gets `expect`; `source` is the
/// catalog source the row's figure comes from.
pub(super) struct Row {
    pub day: &'static str,
    pub class: VehicleClass,
    pub code: &'static str,
    pub fine: i32,
    pub over: Option<i32>,
    pub expect: Expect,
    pub source: &'static str,
}

/// Runs a table of officer's on-the-spot tickets (or `kind`).
pub(super) fn run(kind: TicketKind, rows: &[Row]) {
    let file = catalog();
    let (d, o, s) = (
        driver(),
        owner(),
        if kind.driver_stopped() {
            signed()
        } else {
            nobody()
        },
    );
    for r in rows {
        assert!(
            file.sources.contains_key(r.source),
            "row cites unknown source {}",
            r.source
        );
        let mut f = facts(kind, ten_am(day(r.day)), r.class, r.fine, (&d, &o), &s);
        f.speed = r.over.map(|over| Speed {
            limit_kmh: 50,
            measured_kmh: 50 + over,
        });
        let v = verdict(&f, r.code);
        let (errors, warnings) = (found(&v.errors), found(&v.warnings));
        let other_warnings: Vec<&String> = warnings
            .iter()
            .filter(|w| *w != "article_code:unconfirmed")
            .collect();
        let what = format!(
            "{} {:?} {} NT${} over {:?} ({}): errors {errors:?} warnings {warnings:?}",
            r.day, r.class, r.code, r.fine, r.over, r.source
        );
        match r.expect {
            Expect::Clean => assert!(errors.is_empty() && other_warnings.is_empty(), "{what}"),
            Expect::Warn(w) => assert!(
                errors.is_empty() && warnings.iter().any(|x| x == w),
                "{what}"
            ),
            Expect::Error(e) => assert!(errors.iter().any(|x| x == e), "{what}"),
        }
    }
}
