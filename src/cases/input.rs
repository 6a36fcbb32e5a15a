//! What the camera system, the intake desk and the people of each step send.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::status::CloseReason;
use crate::domain::{UnitId, VendorId};
use crate::tickets::catalog::TicketKind;
use crate::tickets::input::Spot;
use crate::tickets::plate::VehicleClass;

/// What a fixed or mobile camera measured.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CameraReading {
    #[schema(example = "TN-CAM-0042")]
    pub camera_id: String,
    /// Measured speed, km/h (speed cameras).
    pub measured_speed: Option<i32>,
    /// The limit where it was measured, km/h.
    pub speed_limit: Option<i32>,
    /// The signal phase at capture (red-light cameras), e.g. `red+1.2s`.
    pub signal_phase: Option<String>,
}

/// Who reported a violation; never shown to vendor staff.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reporter {
    #[schema(example = "林檢舉")]
    pub name: String,
    /// Telephone or e-mail, to answer the reporter.
    #[schema(example = "0912-345-678")]
    pub contact: String,
}

/// A camera case or citizen report as it comes in.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// The source's own id of the case (the camera event, the report
    /// number): sending it again replays the answer.
    #[schema(example = "CAM-0042-20261130-000123")]
    pub client_id: String,
    /// `camera` or `citizen_report`.
    pub source: TicketKind,
    /// The unit whose area it happened in.
    pub unit_id: UnitId,
    /// The vendor that keys it; absent: keyed by the police.
    pub vendor_id: Option<VendorId>,
    pub violation_at: DateTime<Utc>,
    /// When it reached the police (default: now). A citizen report's
    /// Article 7-1 window is judged by it.
    pub received_at: Option<DateTime<Utc>>,
    #[schema(example = "臺南市東區東門路一段與府連路口")]
    pub place: String,
    pub position: Option<Spot>,
    /// Camera cases: what the camera measured.
    pub camera: Option<CameraReading>,
    /// The plate as the camera read it or the reporter wrote it, if any.
    #[schema(example = "ABC-1234")]
    pub plate: Option<String>,
    /// The article the camera or the reporter names, if any.
    #[schema(example = "53-1")]
    pub article_code: Option<String>,
    /// The reporter's account of what happened.
    pub description: Option<String>,
    /// Citizen reports: who reported it.
    pub reporter: Option<Reporter>,
}

/// 一打: every ticket field, keyed from the evidence.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyingInput {
    #[schema(example = "ABC-1234")]
    pub plate: String,
    pub vehicle_class: VehicleClass,
    #[schema(example = "53-1")]
    pub article_code: String,
    pub violation_at: DateTime<Utc>,
    #[schema(example = "臺南市東區東門路一段與府連路口")]
    pub place: String,
    #[schema(example = "行經有燈光號誌管制之交岔路口闖紅燈")]
    pub facts: String,
    pub fine: i32,
    /// The make seen on the evidence, checked against the registry.
    #[schema(example = "TOYOTA")]
    pub make: Option<String>,
    /// Warnings seen and accepted, as `field:code`.
    #[serde(default)]
    pub acknowledge: Vec<String>,
}

/// 二驗 and resolution: the critical fields keyed again.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriticalInput {
    #[schema(example = "ABC-1234")]
    pub plate: String,
    pub vehicle_class: VehicleClass,
    #[schema(example = "53-1")]
    pub article_code: String,
    pub violation_at: DateTime<Utc>,
}

/// The police reviewer's decision to approve: warnings of the final check
/// the reviewer accepts.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveInput {
    #[serde(default)]
    pub acknowledge: Vec<String>,
    /// What the reviewer found of a repeat the system cannot decide: the
    /// same vehicle and provision ticketed minutes before (§7-1 III,
    /// §85-1 II).
    #[serde(default)]
    pub repeat: Option<super::gates::RepeatFinding>,
}

/// Sending a case back to keying.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBackInput {
    /// What is wrong, for the next keyer.
    pub reason: String,
}

/// Closing a case without a ticket.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub reason: CloseReason,
    pub note: String,
    /// For `duplicate`: the case it repeats.
    pub duplicate_of: Option<crate::domain::CaseId>,
}
