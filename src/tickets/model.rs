//! The words of tickets that their store, views and statistics all speak.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What was wrong with a corrected ticket; the error-rate statistics count these.
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
pub enum ErrorType {
    Plate,
    VehicleClass,
    Article,
    Time,
    Place,
    Person,
    Fine,
    Other,
}

impl ErrorType {
    pub const ALL: [ErrorType; 8] = [
        ErrorType::Plate,
        ErrorType::VehicleClass,
        ErrorType::Article,
        ErrorType::Time,
        ErrorType::Place,
        ErrorType::Person,
        ErrorType::Fine,
        ErrorType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Plate => "plate",
            ErrorType::VehicleClass => "vehicle_class",
            ErrorType::Article => "article",
            ErrorType::Time => "time",
            ErrorType::Place => "place",
            ErrorType::Person => "person",
            ErrorType::Fine => "fine",
            ErrorType::Other => "other",
        }
    }

    /// The name a supervisor reads in reports.
    pub fn label_zh(self) -> &'static str {
        match self {
            ErrorType::Plate => "車牌",
            ErrorType::VehicleClass => "車種",
            ErrorType::Article => "違規條款",
            ErrorType::Time => "違規時間",
            ErrorType::Place => "違規地點",
            ErrorType::Person => "受處分人",
            ErrorType::Fine => "罰鍰",
            ErrorType::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

crate::text_enum!(ErrorType);
