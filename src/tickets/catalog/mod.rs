//! The violation catalog as versioned data with its sources: what each
//! provision of the Road Traffic Management and Penalty Act (道路交通管理處罰條例,
//! "the Act") and the penalty schedule (違反道路交通管理事件統一裁罰基準表,
//! "the 基準表") say, from which day, read where, and whether the
//! department's legal office has confirmed it.
//!
//! A code names what a ticket may be written under, down to the item (款):
//! `53-1` is 第53條第1項, `48-1-2` 第48條第1項第2款, `31.1-2` 第31條之1第2項.
//! Where the law treats situations within one item differently (a scooter's
//! two-stage left turn is one case of §48 I(2); a citizen may report
//! stopping on a pavement but not on a bridge, both §55 I(1)), a lower-case
//! letter names the situation: `48-1-2t`, `55-1-1p`.

mod check;
pub mod fines;
pub mod report;
pub mod reporting;
mod sources;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plate::VehicleClass;

pub use check::{check, overlaps};
pub use sources::{Citation, Source, SourceKind, Status, Support};

/// The catalog shipped with the server, loaded into a database that has
/// never had one.
pub static BUNDLED: &str = include_str!("../../../assets/catalog/violations.json");

/// How a ticket came to be written.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    /// 當場舉發: written by the officer at the scene.
    OnTheSpot,
    /// 逕行舉發: from a fixed or mobile camera.
    Camera,
    /// 民眾檢舉: evidence sent in by the public.
    CitizenReport,
}

impl TicketKind {
    pub const ALL: [TicketKind; 3] = [
        TicketKind::OnTheSpot,
        TicketKind::Camera,
        TicketKind::CitizenReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketKind::OnTheSpot => "on_the_spot",
            TicketKind::Camera => "camera",
            TicketKind::CitizenReport => "citizen_report",
        }
    }

    /// How a notice names the kind: 當場舉發, 逕行舉發, 民眾檢舉.
    pub fn label_zh(self) -> &'static str {
        match self {
            TicketKind::OnTheSpot => "當場舉發",
            TicketKind::Camera => "逕行舉發",
            TicketKind::CitizenReport => "民眾檢舉舉發",
        }
    }

    /// Whether the driver was stopped: everything else is a notice issued
    /// without stopping (細則 §11 I(4): the words 逕行舉發 at its top).
    pub fn driver_stopped(self) -> bool {
        self == TicketKind::OnTheSpot
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The seven major violations the department counts every year.
pub const MAJOR_VIOLATIONS: [&str; 7] = [
    "drunk_driving",
    "severe_speeding",
    "red_light",
    "wrong_way",
    "improper_turn",
    "scooter_two_stage_turn",
    "scooter_forbidden_lane",
];

/// One band of a speed-dependent amount: km/h over the limit, both ends
/// included (`[41, 60]`); an open top is `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    #[schema(value_type = Vec<Option<i32>>, example = json!([41, 60]))]
    pub over: (i32, Option<i32>),
    pub amount: i32,
}

/// What the 基準表 fixes for one vehicle class: one amount, or one per
/// band of speed over the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Schedule {
    Amount(i32),
    Bands { bands: Vec<Band> },
}

/// The fine for one vehicle class: the Act's range, and the 基準表 amount
/// where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fine {
    /// `[min, max]` in NT$, from the Act.
    pub range: [i32; 2],
    /// The 基準表 amount for payment by the due date (期限內繳納); absent
    /// where the table in force was not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// Which of the Act's limits on ticketing again applies to a camera case
/// (§85-1 II).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RepeatGroup {
    /// Speeding and §33 I/II: again only 6 km or 6 minutes apart or past an
    /// intersection; in a tunnel the limit does not apply.
    Speed,
    /// Parking under §56 I/II and §57: again only every two hours.
    Parking,
}

impl RepeatGroup {
    pub fn as_str(self) -> &'static str {
        match self {
            RepeatGroup::Speed => "speed",
            RepeatGroup::Parking => "parking",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [RepeatGroup::Speed, RepeatGroup::Parking]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Whether citizens may report a provision on a day, and why the catalog
/// says so (computed from the §7-1 list in force; never in a file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Listing {
    pub status: Status,
    pub cites: Vec<Citation>,
}

/// One version of one provision, as in the catalog file and the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleVersion {
    /// The provision down to the item, with a letter for a situation:
    /// `53-1`, `48-1-2`, `48-1-2t`, `31.1-2`.
    #[schema(example = "53-1")]
    pub code: String,
    #[schema(example = "第53條第1項")]
    pub article: String,
    #[schema(example = "汽車駕駛人行經有燈光號誌管制之交岔路口闖紅燈")]
    pub description: String,
    /// One of the seven major violations, if it is one.
    pub major: Option<String>,
    /// The kinds of ticket it may be written on. Citizen reports follow the
    /// §7-1 list in force (`citizen_reporting` of the file): the API adds
    /// `citizen_report` here on the days the provision is on it.
    pub ticket_kinds: Vec<TicketKind>,
    /// Which limit on ticketing a camera case again applies (§85-1 II).
    #[serde(default)]
    pub repeat_group: Option<RepeatGroup>,
    /// For speeding: the km/h over the limit the provision covers
    /// (`[1, 40]` for §40 since 2023-06-30, `[41, null]` for §43 I(2)); a
    /// ticket under it must give the measured speed and the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Option<i32>>>, example = json!([41, null]))]
    pub speed_over: Option<(i32, Option<i32>)>,
    pub effective_from: NaiveDate,
    /// Last day in force; absent while in force.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// The amendment (or 基準表 revision) that made this version.
    #[serde(default)]
    pub amendment: String,
    pub status: Status,
    /// Where each figure was read.
    #[serde(default)]
    pub cites: Vec<Citation>,
    /// What the legal office should know: what was not read, what is taken
    /// from elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Per vehicle class; a class absent here cannot be ticketed under it.
    #[schema(value_type = Object)]
    pub fines: BTreeMap<VehicleClass, Fine>,
    /// Computed on reading: on the citizen-report list of the day asked
    /// about, with its sources. Never given in a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_reporting: Option<Listing>,
}

impl ArticleVersion {
    /// The article number (第N條 or 第N條之M) the code starts with.
    pub fn article_number(&self) -> Option<(u32, Option<u32>)> {
        article_number(&self.code)
    }
}

/// The article number of a code: `31.1-2` → (31, Some(1)).
pub fn article_number(code: &str) -> Option<(u32, Option<u32>)> {
    let head = code.split('-').next()?;
    let head = head.trim_end_matches(|c: char| c.is_ascii_lowercase());
    match head.split_once('.') {
        Some((a, b)) => Some((a.parse().ok()?, Some(b.parse().ok()?))),
        None => Some((head.parse().ok()?, None)),
    }
}

/// A legal timing rule, e.g. the two-month ticketing deadline of Article 90.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalRule {
    #[schema(example = "ticketing_deadline_months")]
    pub key: String,
    pub value: i32,
    /// The provision it comes from.
    pub basis: String,
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    pub status: Status,
    #[serde(default)]
    pub cites: Vec<Citation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One provision's place on a §7-1 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListedCode {
    pub code: String,
    pub status: Status,
    #[serde(default)]
    pub cites: Vec<Citation>,
}

/// What citizens may report (§7-1 I) from one amendment to the next. A
/// provision not listed is not reportable in that period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportingList {
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    pub amendment: String,
    /// The list as a whole (its date, the number of items).
    #[serde(default)]
    pub cites: Vec<Citation>,
    pub codes: Vec<ListedCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Something the legal office must know that is not yet a version: an
/// amendment passed whose day of force was not found, a text not found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub about: String,
    pub text: String,
    #[serde(default)]
    pub cites: Vec<Citation>,
}

/// A catalog file: `assets/catalog/violations.json`, or what the legal
/// office loads with `epatrol catalog load` or `POST /catalog`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// Which edition this is (a date or a name the legal office chooses).
    pub edition: String,
    #[serde(default)]
    pub note: String,
    /// The texts cited, by id.
    #[serde(default)]
    pub sources: BTreeMap<String, Source>,
    pub articles: Vec<ArticleVersion>,
    #[serde(default)]
    pub citizen_reporting: Vec<ReportingList>,
    #[serde(default)]
    pub rules: Vec<LegalRule>,
    /// Amendments passed but not yet versions, texts not found.
    #[serde(default)]
    pub notices: Vec<Notice>,
}

/// Largest value a timing rule may have: ten years in days. Larger ones are
/// typos, and would push dates past what the calendar arithmetic holds.
pub const MAX_RULE_VALUE: i32 = 3660;

/// Rule keys the ticket and case rules read.
pub const RULE_KEYS: [&str; 9] = [
    "ticketing_deadline_months",
    "ticketing_deadline_months_crash",
    "citizen_report_window_days",
    "citizen_repeat_minutes",
    "camera_speed_repeat_minutes",
    "camera_speed_repeat_km",
    "camera_parking_repeat_minutes",
    "due_days",
    "due_days_extended",
];

/// Whether a version is in force on `date`.
pub fn in_force(from: NaiveDate, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from <= date && to.is_none_or(|t| date <= t)
}

#[cfg(test)]
mod tests;

crate::text_enum!(TicketKind);
