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
    /// The recipient refused to sign but took the notice: the reason and
    /// the time it was handed over are recorded (細則 §11 I(1)).
    Refused,
    /// The recipient refused to take the notice: the reason is recorded,
    /// and they were told when and where to respond, so it counts as
    /// received (細則 §11 I(1)).
    ReceiptRefused,
    /// Nobody to sign (camera cases, citizen reports).
    NotApplicable,
}

impl SignatureStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            SignatureStatus::Obtained => "已簽收",
            SignatureStatus::Refused => "拒簽",
            SignatureStatus::ReceiptRefused => "拒收",
            SignatureStatus::NotApplicable => "—",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Obtained => "obtained",
            SignatureStatus::Refused => "refused",
            SignatureStatus::ReceiptRefused => "receipt_refused",
            SignatureStatus::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SignatureStatus::Obtained,
            SignatureStatus::Refused,
            SignatureStatus::ReceiptRefused,
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
    /// Why the recipient refused (required when they did).
    pub reason: Option<String>,
    /// When the notice was handed over despite a refused signature.
    #[serde(default)]
    pub handed_over_at: Option<DateTime<Utc>>,
}

/// Who the notice is addressed to (被通知人, ticked on the notice).
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
pub enum Recipient {
    /// The driver stopped at the scene.
    Driver,
    /// The registered owner (camera cases, citizen reports, or an owner
    /// answerable for what the driver did).
    Owner,
}

impl Recipient {
    pub fn as_str(self) -> &'static str {
        match self {
            Recipient::Driver => "driver",
            Recipient::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Recipient::Driver, Recipient::Owner]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Recipient::Driver => "駕駛人",
            Recipient::Owner => "車主",
        }
    }
}

/// A measured speed, for speeding provisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Speed {
    /// The limit in force there, km/h.
    pub limit_kmh: i32,
    /// As measured, km/h.
    pub measured_kmh: i32,
}

impl Speed {
    /// km/h over the limit.
    pub fn over(self) -> i32 {
        self.measured_kmh.saturating_sub(self.limit_kmh)
    }
}

/// A crash that injured or killed someone (Article 90's proviso: three
/// months, or two from the end of an expert appraisal; 細則 §15: 肇事舉發,
/// 45 days to respond).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Crash {
    /// The day the expert appraisal of responsibility concluded, when it
    /// was sent for one; absent when it was analysed without.
    pub appraisal_concluded_on: Option<chrono::NaiveDate>,
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
    /// For speeding provisions: the limit and the measured speed.
    #[serde(default)]
    pub speed: Option<Speed>,
    /// When the violation caused a crash with injury or death.
    #[serde(default)]
    pub crash: Option<Crash>,
    pub driver: Option<Person>,
    pub owner: Option<Person>,
    /// The driver's legal representative or guardian, when the driver is
    /// under 14 (細則 §11 I(3)).
    #[serde(default)]
    pub guardian: Option<Person>,
    /// Who the notice is addressed to; by default the stopped driver on the
    /// spot, the registered owner otherwise.
    #[serde(default)]
    pub recipient: Option<Recipient>,
    pub signature: Signature,
    /// Warnings the officer has seen and accepts, as `field:code`.
    #[serde(default)]
    pub acknowledge: Vec<String>,
}

crate::text_enum!(SignatureStatus);
crate::text_enum!(Recipient);

impl TicketInput {
    /// Who the notice goes to: as given, else the stopped driver on the
    /// spot and the registered owner otherwise.
    pub fn recipient(&self) -> Recipient {
        self.recipient.unwrap_or(if self.kind.driver_stopped() {
            Recipient::Driver
        } else {
            Recipient::Owner
        })
    }
}
