//! The formats a report is asked for in. Each format beyond JSON is an
//! operation of its own in the API document (`/coverage.csv`); the query
//! form `?format=` stays readable for clients made before.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A statistic: JSON or CSV.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatFormat {
    #[default]
    Json,
    Csv,
}

/// A printable report: JSON, CSV or PDF.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    #[default]
    Json,
    Csv,
    Pdf,
}
