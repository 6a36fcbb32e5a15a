//! The violation catalog as versioned data: parsing and checking a catalog
//! file, and finding the version of an article in force on a date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plate::VehicleClass;
use crate::error::FieldErrors;

/// The catalog shipped with the server, loaded into an empty database.
pub static BUNDLED: &str = include_str!("../../assets/catalog/violations.json");

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

/// One version of one article, as in the catalog file and the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleVersion {
    /// Stable code of the provision, e.g. `53-1`.
    #[schema(example = "53-1")]
    pub code: String,
    #[schema(example = "第53條第1項")]
    pub article: String,
    #[schema(example = "行經有燈光號誌管制之交岔路口闖紅燈")]
    pub description: String,
    /// One of the seven major violations, if it is one.
    pub major: Option<String>,
    pub ticket_kinds: Vec<TicketKind>,
    pub effective_from: NaiveDate,
    /// Last day in force; absent while in force.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// Fine range in NT$ per vehicle class: `[min, max]`. A class absent
    /// here cannot be ticketed under this article.
    #[schema(value_type = Object)]
    pub fines: BTreeMap<VehicleClass, [i32; 2]>,
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
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default)]
    pub source: String,
    pub articles: Vec<ArticleVersion>,
    #[serde(default)]
    pub rules: Vec<LegalRule>,
}

/// Largest value a timing rule may have: ten years in days. Larger ones are
/// typos, and would push dates past what the calendar arithmetic holds.
pub const MAX_RULE_VALUE: i32 = 3660;

/// Rule keys the ticket and case rules read.
pub const RULE_KEYS: [&str; 6] = [
    "ticketing_deadline_months",
    "citizen_report_window_days",
    "repeat_report_merge_minutes",
    "due_days_on_the_spot",
    "due_days_camera",
    "due_days_citizen_report",
];

fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    let a_end = a.1.unwrap_or(NaiveDate::MAX);
    let b_end = b.1.unwrap_or(NaiveDate::MAX);
    a.0 <= b_end && b.0 <= a_end
}

/// Checks a catalog file; every problem is reported, as `articles[N].field`.
pub fn check(file: &CatalogFile, errors: &mut FieldErrors) {
    for (i, a) in file.articles.iter().enumerate() {
        let f = |name: &str| format!("articles[{i}].{name}");
        if a.code.is_empty()
            || a.code.len() > 32
            || !a
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.add(f("code"), "format", "letters, digits and hyphens, up to 32");
        }
        if a.article.trim().is_empty() || a.description.trim().is_empty() {
            errors.add(
                f("description"),
                "required",
                "article and description are required",
            );
        }
        if let Some(m) = &a.major
            && !MAJOR_VIOLATIONS.contains(&m.as_str())
        {
            errors.add(
                f("major"),
                "unknown",
                format!("one of {}", MAJOR_VIOLATIONS.join(", ")),
            );
        }
        if a.ticket_kinds.is_empty() {
            errors.add(f("ticket_kinds"), "required", "at least one ticket kind");
        }
        if a.fines.is_empty() {
            errors.add(f("fines"), "required", "at least one vehicle class");
        }
        for (class, [min, max]) in &a.fines {
            if *min <= 0 || min > max {
                errors.add(
                    f(&format!("fines.{}", class.as_str())),
                    "range",
                    "0 < min ≤ max",
                );
            }
        }
        if let Some(to) = a.effective_to
            && to < a.effective_from
        {
            errors.add(f("effective_to"), "before_from", "ends before it starts");
        }
        for (j, b) in file.articles.iter().enumerate().skip(i + 1) {
            if a.code == b.code
                && overlaps(
                    (a.effective_from, a.effective_to),
                    (b.effective_from, b.effective_to),
                )
            {
                errors.add(
                    format!("articles[{j}].effective_from"),
                    "overlap",
                    format!("overlaps articles[{i}] of the same code"),
                );
            }
        }
    }
    for (i, r) in file.rules.iter().enumerate() {
        if !RULE_KEYS.contains(&r.key.as_str()) {
            errors.add(
                format!("rules[{i}].key"),
                "unknown",
                format!("one of {}", RULE_KEYS.join(", ")),
            );
        }
        if !(1..=MAX_RULE_VALUE).contains(&r.value) {
            errors.add(
                format!("rules[{i}].value"),
                "range",
                format!("1 to {MAX_RULE_VALUE} (days or months)"),
            );
        }
        for (j, s) in file.rules.iter().enumerate().skip(i + 1) {
            if r.key == s.key
                && overlaps(
                    (r.effective_from, r.effective_to),
                    (s.effective_from, s.effective_to),
                )
            {
                errors.add(
                    format!("rules[{j}].effective_from"),
                    "overlap",
                    format!("overlaps rules[{i}]"),
                );
            }
        }
    }
}

/// Whether a version is in force on `date`.
pub fn in_force(from: NaiveDate, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from <= date && to.is_none_or(|t| date <= t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_catalog_is_sound_and_has_the_seven_majors() {
        let file: CatalogFile = serde_json::from_str(BUNDLED).unwrap();
        let mut errors = FieldErrors::new();
        check(&file, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        for major in MAJOR_VIOLATIONS {
            assert!(
                file.articles
                    .iter()
                    .any(|a| a.major.as_deref() == Some(major)),
                "{major}"
            );
        }
        let others = file
            .articles
            .iter()
            .filter(|a| a.major.is_none())
            .map(|a| &a.code)
            .collect::<std::collections::HashSet<_>>();
        assert!(others.len() >= 12, "{} other articles", others.len());
        for key in RULE_KEYS {
            assert!(file.rules.iter().any(|r| r.key == key), "{key}");
        }
    }

    #[test]
    fn overlapping_versions_and_bad_fines_are_caught() {
        let mut file: CatalogFile = serde_json::from_str(BUNDLED).unwrap();
        let mut dup = file.articles[1].clone();
        dup.effective_from = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        dup.fines.insert(VehicleClass::Car, [500, 100]);
        file.articles.push(dup);
        let mut errors = FieldErrors::new();
        check(&file, &mut errors);
        let fields: Vec<String> = match errors.into_result(()) {
            Err(crate::error::ApiError::Validation(list)) => {
                list.into_iter().map(|e| e.field).collect()
            }
            _ => panic!("expected errors"),
        };
        let n = file.articles.len() - 1;
        assert!(
            fields.contains(&format!("articles[{n}].effective_from")),
            "{fields:?}"
        );
        assert!(
            fields.contains(&format!("articles[{n}].fines.car")),
            "{fields:?}"
        );
    }

    #[test]
    fn in_force_bounds_are_inclusive() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(in_force(d("2023-06-30"), None, d("2023-06-30")));
        assert!(in_force(
            d("2013-03-01"),
            Some(d("2023-06-29")),
            d("2023-06-29")
        ));
        assert!(!in_force(
            d("2013-03-01"),
            Some(d("2023-06-29")),
            d("2023-06-30")
        ));
        assert!(!in_force(d("2023-06-30"), None, d("2023-06-29")));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any text offered as a catalog: parsed or refused, never a panic.
            #[test]
            fn any_text_is_parsed_or_refused(text in "\\PC{0,400}") {
                if let Ok(file) = serde_json::from_str::<CatalogFile>(&text) {
                    check(&file, &mut FieldErrors::new());
                }
            }

            /// The bundled catalog with any numbers and dates in it: checked
            /// without a panic, and a rule value the checker accepts stays
            /// within what date arithmetic can use.
            #[test]
            fn any_values_are_checked(fine_a: i32, fine_b: i32, rule: i32, from: i32, to: i32) {
                let mut file: CatalogFile = serde_json::from_str(BUNDLED).unwrap();
                let day = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or_default();
                if let Some(a) = file.articles.first_mut() {
                    a.fines.insert(VehicleClass::Car, [fine_a, fine_b]);
                    a.effective_from = day(from);
                    a.effective_to = Some(day(to));
                }
                if let Some(r) = file.rules.first_mut() {
                    r.value = rule;
                }
                let mut errors = FieldErrors::new();
                check(&file, &mut errors);
                if errors.is_empty() {
                    prop_assert!((1..=MAX_RULE_VALUE).contains(&rule));
                }
            }
        }
    }
}

crate::text_enum!(TicketKind);
