//! One keying, two verifications, simulated: cases with known true values
//! keyed by simulated people who make realistic mistakes at a given rate,
//! and the error rate of the issued tickets under five processes —
//! single keying; keying and blind verification (differences settled by a
//! third person); that plus the registry check; that plus the camera
//! record's warning at keying (camera cases); and that plus the report's
//! warning at keying (citizen reports, whose stated time and article are
//! themselves sometimes wrong) — each with its cost in keystrokes and
//! steps per ticket.
//!
//! The decisions are the services' own functions: `cases::compare`
//! (differences, whose value was wrong), `registry::check`,
//! `tickets::plate::check` (what validation refuses at keying) and
//! `cases::camera_record::differs` (the record's warning).

use chrono::Duration;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::mistakes::{mistype_article, mistype_class, mistype_plate, mistype_time};
use crate::cases::camera_record::{Record, differs as record_differs};
use crate::cases::compare::{self, Critical};
use crate::registry::check::{Registered, check as registry_check};
use crate::tickets::plate::{VehicleClass, check as plate_check};

mod tally;
use tally::Tally;

/// What the simulation is asked.
#[derive(Debug, Clone)]
pub struct Spec {
    pub cases: u32,
    /// Chance that a keyer or verifier gets one field wrong.
    pub field_error_rate: f64,
    /// Chance that the third person, looking at the evidence to settle a
    /// difference, gets a field wrong.
    pub resolver_error_rate: f64,
    /// Share of all plates of a shape that are registered to some vehicle:
    /// a mistyped plate is someone else's this often.
    pub registry_density: f64,
    /// Camera cases whose time and article come from the camera's record
    /// (prefilled, not keyed): only plate and class are keyed.
    pub camera_fields_prefilled: bool,
    /// Chance that a keyer warned that the keying differs from the camera's
    /// record acknowledges the warning instead of looking again.
    pub wrongly_acknowledged: f64,
    /// Chance that a citizen's report states the time or the article
    /// wrong (each), so that a right keying is warned for nothing.
    pub report_wrong: f64,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            cases: 100_000,
            field_error_rate: 0.01,
            resolver_error_rate: 0.001,
            registry_density: 0.12,
            camera_fields_prefilled: false,
            wrongly_acknowledged: 0.25,
            report_wrong: 0.1,
            seed: 7,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub process: &'static str,
    pub tickets: u64,
    pub wrong: u64,
    /// Wrong tickets by the first wrong field.
    pub wrong_by_field: std::collections::BTreeMap<&'static str, u64>,
    pub error_rate: f64,
    pub keystrokes_per_ticket: f64,
    pub steps_per_ticket: f64,
}

/// Keystrokes of the fields: plate, class (one key), article, time
/// (`MMDDhhmm`), and, in a full keying, place, facts and fine.
const CRITICAL_KEYS: u64 = 8 + 1 + 4 + 8;
const OTHER_KEYS: u64 = 12 + 16 + 4;

struct Truth {
    critical: Critical,
    make: &'static str,
}

fn truth(n: u32, rng: &mut StdRng) -> Truth {
    let letters: String = (0..3)
        .map(|_| char::from(b'A' + rng.gen_range(0..26u8)))
        .collect();
    let plate = format!("{letters}-{:04}", rng.gen_range(0..10_000));
    let at = chrono::DateTime::UNIX_EPOCH.naive_utc() + Duration::minutes(i64::from(n) * 7);
    let (vehicle_class, article) = match n % 5 {
        0 | 1 => (VehicleClass::Car, "53-1"),
        2 => (VehicleClass::Car, "40"),
        3 => (VehicleClass::LargeVehicle, "56-1-4"),
        _ => (VehicleClass::HeavyMotorcycle, "48-1-2"),
    };
    Truth {
        critical: Critical {
            plate,
            vehicle_class,
            article_code: article.into(),
            violation_at: at,
        },
        make: ["TOYOTA", "HONDA", "NISSAN", "MAZDA"]
            .get(n as usize % 4)
            .copied()
            .unwrap_or("TOYOTA"),
    }
}

/// One person's keying of the critical fields, each wrong with chance `p`.
fn key(t: &Critical, p: f64, prefilled: bool, rng: &mut StdRng) -> Critical {
    let mut k = t.clone();
    if rng.gen_bool(p) {
        k.plate = mistype_plate(&k.plate, rng);
    }
    if rng.gen_bool(p) {
        k.vehicle_class = mistype_class(k.vehicle_class, rng);
    }
    if prefilled {
        return k;
    }
    if rng.gen_bool(p) {
        k.article_code = mistype_article(&k.article_code, rng);
    }
    if rng.gen_bool(p) {
        k.violation_at = mistype_time(k.violation_at, rng);
    }
    k
}

/// A keying the validation lets through: a plate that does not fit the
/// class is refused on the spot and keyed again.
fn valid_keying(
    t: &Critical,
    p: f64,
    prefilled: bool,
    rng: &mut StdRng,
    keystrokes: &mut u64,
) -> Critical {
    loop {
        let k = key(t, p, prefilled, rng);
        *keystrokes += if prefilled { 8 + 1 } else { CRITICAL_KEYS };
        if plate_check(&k.plate, k.vehicle_class).is_ok() {
            return k;
        }
    }
}

/// The record a keying is compared with: the camera's (true), or what a
/// citizen reported (each of time and article wrong with `report_wrong`).
struct Stated {
    record: Record,
    at: chrono::NaiveDateTime,
    article: String,
}

fn stated(t: &Critical, record: Record, spec: &Spec, rng: &mut StdRng) -> Stated {
    let mut s = Stated {
        record,
        at: t.violation_at,
        article: t.article_code.clone(),
    };
    if record == Record::Report {
        if rng.gen_bool(spec.report_wrong) {
            s.at = mistype_time(s.at, rng);
        }
        if rng.gen_bool(spec.report_wrong) {
            s.article = mistype_article(&s.article, rng);
        }
    }
    s
}

/// A keying as the record's warning leaves it: the keyer, told the keyed
/// time or article differs from the record, either acknowledges it (with
/// chance `spec.wrongly_acknowledged`) or looks again and keys those
/// fields anew, with the same chance of error; a value keyed the same on
/// the second look is confirmed and the warning acknowledged (the record
/// may be the one that is wrong).
fn warned_keying(
    t: &Critical,
    record: &Stated,
    spec: &Spec,
    rng: &mut StdRng,
    keystrokes: &mut u64,
) -> Critical {
    let p = spec.field_error_rate;
    let pre = spec.camera_fields_prefilled;
    let mut k = valid_keying(t, p, pre, rng, keystrokes);
    for _ in 0..20 {
        let warnings = record_differs(record.record, record.at, Some(&record.article), &k);
        if warnings.is_empty() || rng.gen_bool(spec.wrongly_acknowledged) {
            break;
        }
        let again = key(t, p, pre, rng);
        let mut changed = false;
        for w in &warnings {
            if w.field == "violation_at" {
                changed |= k.violation_at != again.violation_at;
                k.violation_at = again.violation_at;
                *keystrokes += 8;
            } else {
                changed |= k.article_code != again.article_code;
                k.article_code = again.article_code.clone();
                *keystrokes += 4;
            }
        }
        if !changed {
            break;
        }
    }
    k
}

/// What the registry says of a keyed plate: the true vehicle for the true
/// plate; for another plate, someone else's vehicle with the registry's
/// density (of a random class and make), else nothing.
fn registry_of(
    truth: &Truth,
    keyed: &Critical,
    density: f64,
    rng: &mut StdRng,
) -> Option<Registered<'static>> {
    if keyed.plate == truth.critical.plate {
        return Some(Registered {
            vehicle_class: truth.critical.vehicle_class,
            make: truth.make,
        });
    }
    rng.gen_bool(density).then(|| Registered {
        vehicle_class: VehicleClass::ALL
            .get(rng.gen_range(0..VehicleClass::ALL.len()))
            .copied()
            .unwrap_or(VehicleClass::Car),
        make: ["TOYOTA", "HONDA", "NISSAN", "MAZDA", "FORD", "KYMCO"]
            .get(rng.gen_range(0..6))
            .copied()
            .unwrap_or("TOYOTA"),
    })
}

/// The third person settles each differing field against the evidence.
fn resolve(t: &Critical, a: &Critical, b: &Critical, p: f64, rng: &mut StdRng) -> Critical {
    let mut settled = a.clone();
    let fresh = key(t, p, false, rng);
    for field in compare::differences(a, b) {
        match field {
            "plate" => settled.plate = fresh.plate.clone(),
            "vehicle_class" => settled.vehicle_class = fresh.vehicle_class,
            "article_code" => settled.article_code = fresh.article_code.clone(),
            _ => settled.violation_at = fresh.violation_at,
        }
    }
    settled
}

/// What checks a double keying meets after the blind verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Safeguards {
    Verification,
    Registry,
    /// The registry and, at keying, the warning of a record that differs.
    Record(Record),
}

/// Keying and verification until they agree or are settled; with the
/// registry check, a plate or class the registry contradicts (or a make
/// the keyer sees differ on the evidence) sends the case back to keying.
fn double_entry(
    t: &Truth,
    spec: &Spec,
    safeguards: Safeguards,
    rng: &mut StdRng,
    tally: &mut Tally,
) -> Critical {
    let record = match safeguards {
        Safeguards::Record(r) => Some(stated(&t.critical, r, spec, rng)),
        _ => None,
    };
    for _ in 0..20 {
        let mut keys = OTHER_KEYS;
        let pre = spec.camera_fields_prefilled;
        let a = match &record {
            Some(r) => warned_keying(&t.critical, r, spec, rng, &mut keys),
            None => valid_keying(&t.critical, spec.field_error_rate, pre, rng, &mut keys),
        };
        let b = valid_keying(&t.critical, spec.field_error_rate, pre, rng, &mut keys);
        tally.steps += 2;
        let settled = if compare::differences(&a, &b).is_empty() {
            a
        } else {
            tally.steps += 1;
            keys += CRITICAL_KEYS / 2;
            resolve(&t.critical, &a, &b, spec.resolver_error_rate, rng)
        };
        tally.keystrokes += keys;
        if safeguards == Safeguards::Verification {
            return settled;
        }
        let record = registry_of(t, &settled, spec.registry_density, rng);
        // The keyer typed the make seen on the evidence: the true one.
        let verdict = registry_check(settled.vehicle_class, Some(t.make), record.as_slice());
        if verdict.errors.is_empty() && verdict.warnings.is_empty() {
            return settled;
        }
    }
    t.critical.clone()
}

/// Runs the processes over the same cases and the same people.
pub fn run(spec: &Spec, progress: &dyn Fn(u64, u64)) -> Vec<Outcome> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let (mut single, mut double, mut registry, mut camera, mut report) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    for n in 0..spec.cases {
        let t = truth(n, &mut rng);
        let mut keys = OTHER_KEYS;
        let k = valid_keying(
            &t.critical,
            spec.field_error_rate,
            spec.camera_fields_prefilled,
            &mut rng,
            &mut keys,
        );
        single.steps += 1;
        single.keystrokes += keys;
        single.issue(&k, &t.critical);

        let d = double_entry(&t, spec, Safeguards::Verification, &mut rng, &mut double);
        double.issue(&d, &t.critical);

        let r = double_entry(&t, spec, Safeguards::Registry, &mut rng, &mut registry);
        registry.issue(&r, &t.critical);

        let c = double_entry(
            &t,
            spec,
            Safeguards::Record(Record::Camera),
            &mut rng,
            &mut camera,
        );
        camera.issue(&c, &t.critical);

        let r = double_entry(
            &t,
            spec,
            Safeguards::Record(Record::Report),
            &mut rng,
            &mut report,
        );
        report.issue(&r, &t.critical);
        if n % 1000 == 0 {
            progress(u64::from(n), u64::from(spec.cases));
        }
    }
    vec![
        single.outcome("single keying"),
        double.outcome("keying + blind verification"),
        registry.outcome("keying + blind verification + registry check"),
        camera.outcome("+ camera record warning at keying"),
        report.outcome("+ report warning at keying (citizen reports)"),
    ]
}

#[cfg(test)]
mod tests;
