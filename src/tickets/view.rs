//! A stored ticket version as its readers see it, and who may read it.

use crate::domain::TicketId;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::catalog::TicketKind;
use super::input::{Crash, Recipient, Signature, Speed, Spot};
use super::plate::VehicleClass;
use super::store::{self, TicketRow};
use super::validate::Person;
use super::verify::verify_url;
use crate::db::DbConn;
use crate::domain::{Actor, UnitId, UserId};
use crate::error::{ApiError, ApiResult};
use crate::signing::SigningKeys;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Issued,
    Voided,
    /// A correction replaced this version.
    Superseded,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    pub id: TicketId,
    #[schema(example = "TN000012340")]
    pub number: String,
    pub version: i32,
    pub supersedes_id: Option<TicketId>,
    /// For corrections: what was wrong.
    pub error_type: Option<crate::tickets::model::ErrorType>,
    pub status: TicketStatus,
    pub kind: TicketKind,
    pub unit_id: UnitId,
    /// 舉發單位: the issuing unit's name.
    pub issuing_unit: String,
    pub officer_id: UserId,
    /// 舉發員警: the issuing officer's badge.
    pub officer_badge: String,
    /// For a superseded version: the version now in force.
    pub current_version: Option<i32>,
    pub violation_at: DateTime<Utc>,
    pub reported_at: Option<DateTime<Utc>>,
    pub place: String,
    pub position: Option<Spot>,
    pub plate: crate::tickets::plate::Plate,
    pub vehicle_class: VehicleClass,
    pub article_code: String,
    pub article: String,
    pub facts: String,
    pub fine: i32,
    pub due_date: NaiveDate,
    /// Where to respond (應到案處所).
    pub respond_to: String,
    pub signature: Signature,
    /// 被通知人: who the notice is addressed to.
    pub recipient: Recipient,
    pub driver: Option<Person>,
    pub owner: Option<Person>,
    /// The legal representative or guardian of a driver under 14.
    pub guardian: Option<Person>,
    /// The limit and measured speed of a speeding ticket.
    pub speed: Option<Speed>,
    /// A crash with injury or death (Article 90's proviso).
    pub crash: Option<Crash>,
    pub issued_at: DateTime<Utc>,
    /// The public verification link printed as the ticket's QR code.
    pub verify_url: String,
    /// True when the answer repeats an earlier upload of the same ticket.
    pub replayed: bool,
    /// Unused numbers left in this officer's blocks, when the number came from one.
    pub numbers_left: Option<i64>,
}

pub struct Context<'a> {
    pub keys: &'a SigningKeys,
    pub prefix: &'a str,
    pub public_url: &'a str,
    /// The city's 交通事件裁決 authority (`EPATROL_ADJUDICATION_OFFICE`).
    pub adjudication_office: &'a str,
}

impl<'a> Context<'a> {
    /// The context of the node whose state this is.
    pub fn of(state: &'a crate::state::AppState) -> Self {
        Context {
            keys: &state.signing_keys,
            prefix: &state.settings.ticket_prefix,
            public_url: &state.settings.public_url,
            adjudication_office: &state.settings.adjudication_office,
        }
    }
}

pub fn status_of(conn: &mut DbConn, row: &TicketRow) -> ApiResult<TicketStatus> {
    if store::events_of(conn, row.id)?
        .iter()
        .any(|(e, _, _)| e == "voided")
    {
        Ok(TicketStatus::Voided)
    } else if store::superseded(conn, row.id)? {
        Ok(TicketStatus::Superseded)
    } else {
        Ok(TicketStatus::Issued)
    }
}

pub fn view(conn: &mut DbConn, ctx: &Context<'_>, row: TicketRow) -> ApiResult<TicketView> {
    let status = status_of(conn, &row)?;
    let current_version = match status {
        TicketStatus::Superseded => {
            store::latest_by_number(conn, &row.number)?.map(|(t, _)| t.version)
        }
        _ => None,
    };
    let (issuing_unit, officer_badge) = store::issuer_of(conn, row.unit_id, row.officer_id)?;
    let mut people: HashMap<String, Person> = store::people_of(conn, row.id)?.into_iter().collect();
    let notice = store::notice_of(conn, row.id)?;
    let signature = Signature {
        status: row.signature,
        reason: row.signature_reason.clone(),
        handed_over_at: notice
            .as_ref()
            .and_then(|n| n.handed_over_at)
            .map(|t| t.and_utc()),
    };
    // Versions stored before notices had a row: the stopped driver on the
    // spot, the owner otherwise.
    let recipient = notice
        .as_ref()
        .map(|n| n.recipient)
        .unwrap_or(if row.kind.driver_stopped() {
            Recipient::Driver
        } else {
            Recipient::Owner
        });
    let speed = notice.as_ref().and_then(|n| {
        Some(Speed {
            limit_kmh: n.speed_limit?,
            measured_kmh: n.measured_speed?,
        })
    });
    let crash = notice.as_ref().filter(|n| n.crash).map(|n| Crash {
        appraisal_concluded_on: n.appraisal_concluded_on,
    });
    Ok(TicketView {
        id: row.id,
        verify_url: verify_url(ctx, &row.number, row.version),
        number: row.number,
        version: row.version,
        supersedes_id: row.supersedes_id,
        error_type: row.error_type,
        status,
        kind: row.kind,
        unit_id: row.unit_id,
        issuing_unit,
        officer_id: row.officer_id,
        officer_badge,
        current_version,
        violation_at: row.violation_at.and_utc(),
        reported_at: row.reported_at.map(|t| t.and_utc()),
        place: row.place,
        position: row.lat.zip(row.lon).map(|(lat, lon)| Spot { lat, lon }),
        plate: row.plate,
        vehicle_class: row.vehicle_class,
        article_code: row.article_code,
        article: row.article_text,
        facts: row.facts,
        fine: row.fine,
        due_date: row.due_date,
        respond_to: row.respond_to,
        signature,
        recipient,
        driver: people.remove("driver"),
        owner: people.remove("owner"),
        guardian: people.remove("guardian"),
        speed,
        crash,
        issued_at: row.issued_at.and_utc(),
        replayed: false,
        numbers_left: None,
    })
}

/// The view of a ticket the actor may read (see `get_readable`).
pub fn readable_view(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: TicketId,
) -> ApiResult<TicketView> {
    let row = get_readable(conn, actor, id)?;
    view(conn, ctx, row)
}

/// A ticket the actor may read: officers their own, supervisors their units'.
pub fn get_readable(conn: &mut DbConn, actor: &Actor, id: TicketId) -> ApiResult<TicketRow> {
    let (row, unit) = store::ticket_with_unit(conn, id)?.ok_or(ApiError::NotFound("ticket"))?;
    if crate::visibility::may_read(actor, row.officer_id, &unit.path) {
        Ok(row)
    } else {
        Err(ApiError::NotFound("ticket"))
    }
}
