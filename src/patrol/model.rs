//! The words of patrol sign-in that its store, its rules and its services
//! all speak: what kind of scan a check-in is and what became of it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum CheckinKind {
    /// A plain visit.
    #[default]
    Visit,
    /// Arrival at a box that needs a minimum stay (守望).
    TapIn,
    /// Departure from such a box.
    TapOut,
}

impl CheckinKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinKind::Visit => "visit",
            CheckinKind::TapIn => "tap_in",
            CheckinKind::TapOut => "tap_out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [CheckinKind::Visit, CheckinKind::TapIn, CheckinKind::TapOut]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// Whether this kind of scan counts as a visit to the box.
    pub fn counts_as_visit(self) -> bool {
        self != CheckinKind::TapOut
    }
}

crate::text_enum!(CheckinKind);

/// What a stored check-in is: counted, or waiting for a supervisor.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Deserialize,
    Serialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum CheckinStatus {
    Accepted,
    Flagged,
}

impl CheckinStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinStatus::Accepted => "accepted",
            CheckinStatus::Flagged => "flagged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [CheckinStatus::Accepted, CheckinStatus::Flagged]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

crate::text_enum!(CheckinStatus);
