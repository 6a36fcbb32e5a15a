//! The values a case's ticket would carry now (the current keying, with
//! the critical fields a resolution settled) and what the ticket rules and
//! the registry say of them.

use chrono::NaiveDateTime;

use super::compare::{self, Critical};
use super::input::CriticalInput;
use super::status::Step;
use super::store::{CaseRow, EntryRow, NewNearMiss};
use crate::db::{DbConn, truncate_micros};
use crate::domain::UserId;
use crate::domain::time::taiwan_date;
use crate::error::{ApiResult, FieldError};
use crate::registry::check::Registered;
use crate::tickets::input::{Recipient, Signature, SignatureStatus, Speed, Spot, TicketInput};
use crate::tickets::validate::{Person, Verdict};

/// The values a ticket would be issued with: the keying, with the critical
/// fields a resolution settled.
#[derive(Debug, Clone)]
pub struct Settled {
    pub critical: Critical,
    pub place: String,
    pub facts: String,
    pub fine: i32,
    pub make: Option<String>,
    pub acknowledge: Vec<String>,
    pub keyed_by: UserId,
}

pub(super) fn critical_of(e: &EntryRow) -> Critical {
    Critical {
        plate: e.plate.clone(),
        vehicle_class: e.vehicle_class,
        article_code: e.article_code.clone(),
        violation_at: e.violation_at,
    }
    .normalised()
}

pub(super) fn critical_input(i: &CriticalInput) -> Critical {
    Critical {
        plate: i.plate.clone(),
        vehicle_class: i.vehicle_class,
        article_code: i.article_code.clone(),
        violation_at: truncate_micros(i.violation_at.naive_utc()),
    }
    .normalised()
}

/// The entries since the last keying: (keying, verification, resolution).
pub(super) fn current_round(
    entries: &[EntryRow],
) -> Option<(&EntryRow, Option<&EntryRow>, Option<&EntryRow>)> {
    let k = entries.iter().rposition(|e| e.step == Step::Keying)?;
    let keying = entries.get(k)?;
    let later = entries.get(k + 1..).unwrap_or_default();
    let verification = later.iter().rfind(|e| e.step == Step::Verification);
    let resolution = later.iter().rfind(|e| e.step == Step::Resolution);
    Some((keying, verification, resolution))
}

/// The critical fields on which the current keying and its verification
/// differ; `None` before the verification.
pub fn open_differences(entries: &[EntryRow]) -> Option<Vec<&'static str>> {
    let (keying, verification, _) = current_round(entries)?;
    Some(compare::differences(
        &critical_of(keying),
        &critical_of(verification?),
    ))
}

/// The values a ticket of this case would carry now.
pub fn settled(entries: &[EntryRow]) -> Option<Settled> {
    let (keying, _, resolution) = current_round(entries)?;
    Some(Settled {
        critical: critical_of(resolution.unwrap_or(keying)),
        place: keying.place.clone().unwrap_or_default(),
        facts: keying.facts.clone().unwrap_or_default(),
        fine: keying.fine.unwrap_or_default(),
        make: keying.make.clone(),
        acknowledge: split_ack(&keying.acknowledge),
        keyed_by: keying.user_id,
    })
}

fn split_ack(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The ticket a case with these values would be: to the registered owner,
/// nobody to sign.
pub fn ticket_input(
    case: &CaseRow,
    s: &Settled,
    owner: Option<Person>,
    acknowledge: Vec<String>,
) -> TicketInput {
    TicketInput {
        client_id: format!("case-{:08}", case.id.0),
        number: None,
        kind: case.source,
        violation_at: s.critical.violation_at.and_utc(),
        reported_at: (case.source == crate::tickets::catalog::TicketKind::CitizenReport)
            .then(|| case.received_at.and_utc()),
        place: s.place.clone(),
        position: case.lat.zip(case.lon).map(|(lat, lon)| Spot { lat, lon }),
        plate: s.critical.plate.clone(),
        vehicle_class: s.critical.vehicle_class,
        article_code: s.critical.article_code.clone(),
        facts: s.facts.clone(),
        fine: s.fine,
        // The camera's own record of the speed, as the evidence shows it.
        speed: case
            .speed_limit
            .zip(case.measured_speed)
            .map(|(limit_kmh, measured_kmh)| Speed {
                limit_kmh,
                measured_kmh,
            }),
        crash: None,
        driver: None,
        owner,
        guardian: None,
        recipient: Some(Recipient::Owner),
        signature: Signature {
            status: SignatureStatus::NotApplicable,
            reason: None,
            handed_over_at: None,
        },
        acknowledge,
    }
}

/// What the rules and the registry say of these values.
pub struct CaseVerdict {
    pub verdict: Verdict,
    /// The registry's owner in force on the violation day, if registered.
    pub owner: Option<Person>,
    /// Which errors the registry check found (the rest are validation's).
    pub registry_errors: Vec<FieldError>,
}

pub fn judge(conn: &mut DbConn, case: &CaseRow, s: &Settled) -> ApiResult<CaseVerdict> {
    let day = taiwan_date(s.critical.violation_at);
    let records = crate::registry::in_force_by_class(conn, &s.critical.plate, day)?;
    let record = records
        .iter()
        .find(|r| r.vehicle_class == s.critical.vehicle_class);
    let owner = record.map(|r| Person {
        name: r.owner_name.clone(),
        sex: None,
        birth_date: None,
        national_id: Some(r.owner_national_id.clone()),
        address: Some(r.owner_address.clone()),
    });
    let input = ticket_input(case, s, owner.clone(), s.acknowledge.clone());
    let (mut verdict, _) = crate::tickets::check::judge(conn, &input)?;
    if record.is_none() {
        // The owner comes from the registry: "not registered" below says
        // why there is none, once.
        verdict.errors.retain(|e| e.field != "owner");
    }
    let registered: Vec<Registered<'_>> = records
        .iter()
        .map(|r| Registered {
            vehicle_class: r.vehicle_class,
            make: &r.make,
        })
        .collect();
    let rv =
        crate::registry::check::check(s.critical.vehicle_class, s.make.as_deref(), &registered);
    verdict.errors.extend(rv.errors.iter().cloned());
    verdict.warnings.extend(rv.warnings);
    Ok(CaseVerdict {
        verdict,
        owner,
        registry_errors: rv.errors,
    })
}

/// Mistakes the rules caught, as near misses against `who`.
pub fn near_misses_of(
    case: &CaseRow,
    who: UserId,
    v: &CaseVerdict,
    at: NaiveDateTime,
) -> Vec<NewNearMiss> {
    v.verdict
        .errors
        .iter()
        .map(|e| NewNearMiss {
            case_id: case.id,
            unit_id: case.unit_id,
            vendor_id: case.vendor_id,
            user_id: Some(who),
            caught_by: if v.registry_errors.contains(e) {
                "registry".into()
            } else {
                "validation".into()
            },
            field: e.field.clone(),
            code: e.code.clone(),
            at,
        })
        .collect()
}
