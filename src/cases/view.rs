//! A case as each reader sees it. Vendor staff see what their step needs
//! and no more: never the reporter, never the owner's ID or address; a
//! verifier never sees the first keying (the verification is blind); the
//! vendor supervisor sees both keyings side by side.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::input::{CameraReading, Reporter};
use super::status::{CaseStatus, CloseReason, Step};
use super::store::{self, CaseRow, EntryRow};
use crate::db::{DbConn, now};
use crate::domain::time::taiwan_date;
use crate::domain::{Actor, CaseId, Role, TicketId, UnitId, UserId, VendorId};
use crate::error::{ApiError, ApiResult};
use crate::tickets::catalog::TicketKind;
use crate::tickets::input::Spot;
use crate::tickets::plate::VehicleClass;

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceView {
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    /// Where to fetch it (with the same bearer token).
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub step: Step,
    pub user_id: UserId,
    pub plate: String,
    pub vehicle_class: VehicleClass,
    pub article_code: String,
    pub violation_at: DateTime<Utc>,
    pub place: Option<String>,
    pub facts: Option<String>,
    pub fine: Option<i32>,
    pub make: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseEventView {
    pub event: String,
    pub status: CaseStatus,
    pub actor_id: Option<UserId>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: CaseId,
    pub client_id: String,
    pub source: TicketKind,
    pub status: CaseStatus,
    pub unit_id: UnitId,
    pub vendor_id: Option<VendorId>,
    pub violation_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub place: String,
    pub position: Option<Spot>,
    pub camera: Option<CameraReading>,
    /// The plate as the camera read it or the reporter wrote it.
    pub reported_plate: Option<String>,
    pub reported_article: Option<String>,
    pub description: Option<String>,
    /// Police only.
    pub reporter: Option<Reporter>,
    /// Last Taiwan day it may be ticketed (Article 90).
    pub deadline: NaiveDate,
    /// Days left until the deadline (0: today is the last day).
    pub days_left: i64,
    pub close_reason: Option<CloseReason>,
    pub duplicate_of: Option<CaseId>,
    pub ticket_id: Option<TicketId>,
    pub claimed_by: Option<UserId>,
    pub claim_expires_at: Option<DateTime<Utc>>,
    pub evidence: Vec<EvidenceView>,
    /// The keyings so far, for those whose step may see them (police, and
    /// the vendor supervisor resolving a difference); absent otherwise.
    pub entries: Option<Vec<EntryView>>,
    /// The critical fields on which keying and verification differ, for
    /// the resolver and the police.
    pub differences: Option<Vec<String>>,
    /// The history, for the police.
    pub events: Option<Vec<CaseEventView>>,
    /// True when the answer repeats an earlier intake of the same case.
    pub replayed: bool,
}

fn entry_view(e: &EntryRow) -> EntryView {
    EntryView {
        step: e.step,
        user_id: e.user_id,
        plate: e.plate.clone(),
        vehicle_class: e.vehicle_class,
        article_code: e.article_code.clone(),
        violation_at: e.violation_at.and_utc(),
        place: e.place.clone(),
        facts: e.facts.clone(),
        fine: e.fine,
        make: e.make.clone(),
        at: e.created_at.and_utc(),
    }
}

/// Whether `actor` may see the keyings of a case.
fn sees_entries(actor: &Actor) -> bool {
    actor.role.is_police() || actor.role == Role::VendorSupervisor
}

pub fn view(conn: &mut DbConn, actor: &Actor, row: CaseRow) -> ApiResult<CaseView> {
    let police = crate::visibility::sees_case_personal_data(actor);
    let evidence = store::evidence_of(conn, row.id)?
        .into_iter()
        .map(|(sha256, size_bytes, media_type)| EvidenceView {
            href: format!("/api/v1/cases/{}/evidence/{sha256}", row.id),
            sha256,
            size_bytes,
            media_type,
        })
        .collect();
    let (entries, differences) = if sees_entries(actor) {
        let entries = store::entries_of(conn, row.id)?;
        // A send-back starts a new round with a new keying: who verified
        // the old one is as blind to the new one as anyone else.
        let round = entries
            .iter()
            .rposition(|e| e.step == Step::Keying)
            .unwrap_or(0);
        let done_by: Vec<UserId> = entries.iter().skip(round).map(|e| e.user_id).collect();
        if super::duties::blind_to(
            actor,
            row.status == CaseStatus::Keyed,
            row.vendor_id,
            &done_by,
        ) {
            (None, None)
        } else {
            let differences = super::settle::open_differences(&entries)
                .map(|d| d.into_iter().map(str::to_owned).collect());
            (Some(entries.iter().map(entry_view).collect()), differences)
        }
    } else {
        (None, None)
    };
    let events = if police {
        Some(
            store::events_of(conn, row.id)?
                .into_iter()
                .map(|(event, status, actor_id, reason, at)| CaseEventView {
                    event,
                    status,
                    actor_id,
                    reason,
                    at: at.and_utc(),
                })
                .collect(),
        )
    } else {
        None
    };
    let camera = row.camera_id.clone().map(|camera_id| CameraReading {
        camera_id,
        measured_speed: row.measured_speed,
        speed_limit: row.speed_limit,
        signal_phase: row.signal_phase.clone(),
    });
    let reporter = match (police, &row.reporter_name, &row.reporter_contact) {
        (true, Some(name), Some(contact)) => Some(Reporter {
            name: name.clone(),
            contact: contact.clone(),
        }),
        _ => None,
    };
    Ok(CaseView {
        id: row.id,
        client_id: row.client_id,
        source: row.source,
        status: row.status,
        unit_id: row.unit_id,
        vendor_id: row.vendor_id,
        violation_at: row.violation_at.and_utc(),
        received_at: row.received_at.and_utc(),
        place: row.place,
        position: row.lat.zip(row.lon).map(|(lat, lon)| Spot { lat, lon }),
        camera,
        reported_plate: row.reported_plate,
        reported_article: row.reported_article,
        description: row.description,
        reporter,
        deadline: row.deadline,
        days_left: super::gates::days_left(row.deadline, taiwan_date(now())),
        close_reason: row.close_reason,
        duplicate_of: row.duplicate_of,
        ticket_id: row.ticket_id,
        claimed_by: row.claimed_by,
        claim_expires_at: row.claim_expires_at.map(|t| t.and_utc()),
        evidence,
        entries,
        differences,
        events,
        replayed: false,
    })
}

/// A case the actor may read, with its unit's path; 404 otherwise, so ids
/// cannot be probed across units and vendors.
pub fn get_readable(conn: &mut DbConn, actor: &Actor, id: CaseId) -> ApiResult<(CaseRow, String)> {
    let (row, path) = store::case_by_id(conn, id)?.ok_or(ApiError::NotFound("case"))?;
    if crate::visibility::may_read_case(actor, row.vendor_id, &path) {
        Ok((row, path))
    } else {
        Err(ApiError::NotFound("case"))
    }
}
