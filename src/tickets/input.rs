//! What a handheld sends to check or issue a ticket.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::TicketKind;
use super::plate::VehicleClass;
use super::validate::Person;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// The recipient signed.
    Obtained,
    /// The recipient refused; the reason is required.
    Refused,
    /// Nobody to sign (camera cases, citizen reports).
    NotApplicable,
}

impl SignatureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Obtained => "obtained",
            SignatureStatus::Refused => "refused",
            SignatureStatus::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SignatureStatus::Obtained,
            SignatureStatus::Refused,
            SignatureStatus::NotApplicable,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub status: SignatureStatus,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
pub struct Spot {
    pub lat: f64,
    pub lon: f64,
}

/// A ticket as the handheld sends it for checking or issue.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    /// The handheld's id for this ticket: sending it again replays the answer.
    #[schema(example = "2f0c9d4e-1b6a-4c8e-9f3a-7d5e2b1c0a99")]
    pub client_id: String,
    /// A number from one of this officer's blocks (offline); absent: the
    /// server gives the next one.
    pub number: Option<String>,
    pub kind: TicketKind,
    pub violation_at: DateTime<Utc>,
    /// When a citizen report came in (citizen reports only).
    pub reported_at: Option<DateTime<Utc>>,
    #[schema(example = "臺南市東區東門路一段與府連路口")]
    pub place: String,
    pub position: Option<Spot>,
    #[schema(example = "ABC-1234")]
    pub plate: String,
    pub vehicle_class: VehicleClass,
    #[schema(example = "53-1")]
    pub article_code: String,
    /// 違規事實.
    #[schema(example = "行經有燈光號誌管制之交岔路口闖紅燈")]
    pub facts: String,
    pub fine: i32,
    pub driver: Option<Person>,
    pub owner: Option<Person>,
    pub signature: Signature,
    /// Warnings the officer has seen and accepts, as `field:code`.
    #[serde(default)]
    pub acknowledge: Vec<String>,
}

crate::text_enum!(SignatureStatus);
