//! Where a figure of the catalog was read, and how far the legal office
//! has got with it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How far the legal office has got with a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every figure read in the law or an official table.
    Confirmed,
    /// Read somewhere less than that (a copy of the law, a court decision,
    /// the press): using it is a warning to acknowledge (未經法制單位確認).
    Unconfirmed,
    /// Never law: the demonstration data that preceded the sourced catalog.
    /// Kept for history, used for nothing.
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Unconfirmed => "unconfirmed",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Status::Confirmed, Status::Unconfirmed, Status::Withdrawn]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Confirmed => "已確認",
            Status::Unconfirmed => "未經法制單位確認",
            Status::Withdrawn => "已撤回（示範資料）",
        }
    }
}

/// What kind of text a figure was read in. Only `law` (the text of the Act
/// or the 細則 and its 基準表 in a government law database) can confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A government law database: law.moj.gov.tw, a city's law database,
    /// the motor vehicles office's law pages.
    Law,
    /// A court decision applying the provision.
    Court,
    /// A government agency's notice or page restating the rule.
    Official,
    /// A copy of the law or a commentary outside government.
    Secondary,
    /// A news report: a lead, never a confirmation.
    Press,
}

impl SourceKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            SourceKind::Law => "法規資料庫",
            SourceKind::Court => "判決",
            SourceKind::Official => "機關公告",
            SourceKind::Secondary => "轉載／評註",
            SourceKind::Press => "新聞",
        }
    }
}

/// A text a figure was read in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: String,
    /// Who published it: 法務部全國法規資料庫, 臺東縣警察局, 聯合報 ….
    pub publisher: String,
    pub kind: SourceKind,
    /// The day it was published or the version of the law it shows.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// What a citation supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    /// The wording of the provision.
    Text,
    /// The Act's fine range.
    Range,
    /// The 基準表 amount.
    Schedule,
    /// The day the version took force.
    Date,
    /// That a provision is (or is not) on the list citizens may report.
    List,
    /// The value of a timing rule.
    Value,
}

/// Where a version's figures were read, and the words relied on. In the
/// catalog file a citation names its source by id (`source`); loading
/// fills in where that source is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Id of the source in the catalog file's `sources`.
    pub source: String,
    pub supports: Vec<Support>,
    /// The words relied on, as read.
    pub quote: String,
    /// Filled in on loading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SourceKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}
