//! Judging a ticket before it is printed: every rule against the catalog
//! and the legal rules in force on the day of the violation.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::catalog_store::{self, ArticleQuery};
use super::input::TicketInput;
use super::validate::{self, Facts, Rules, Verdict};
use crate::db::{DbConn, now};
use crate::domain::time::to_taiwan as utc_to_local;
use crate::error::{ApiError, ApiResult, FieldError, FieldErrors};

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResult {
    /// True when the ticket can be issued (no errors; warnings acknowledged or none).
    pub ok: bool,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    pub plate: String,
    pub due_date: Option<NaiveDate>,
    /// The 基準表 amount for this provision, class (and speed), where the
    /// table in force was read: what the handheld fills in as the fine.
    pub scheduled_fine: Option<i32>,
    /// The last Taiwan day the violation may be ticketed (Article 90).
    pub ticketing_deadline: Option<NaiveDate>,
}

pub(super) fn local_date(t: chrono::NaiveDateTime) -> NaiveDate {
    utc_to_local(t).date()
}

pub(crate) fn rules_map(conn: &mut DbConn, on: NaiveDate) -> ApiResult<HashMap<String, i32>> {
    Ok(catalog_store::rules_on(conn, on)?
        .into_iter()
        .map(|r| (r.key, r.value))
        .collect())
}

/// The version of article `code` in force on the Taiwan day `day`, with
/// its citizen-report listing of that day.
pub(crate) fn article_on(
    conn: &mut DbConn,
    code: &str,
    day: NaiveDate,
) -> ApiResult<Option<super::catalog::ArticleVersion>> {
    Ok(catalog_store::articles_on(
        conn,
        &ArticleQuery {
            on: Some(day),
            vehicle_class: None,
            ticket_kind: None,
        },
        day,
    )?
    .into_iter()
    .find(|a| a.code == code.trim()))
}

/// Text fields the rules do not cover.
pub(super) fn check_text(input: &TicketInput, errors: &mut FieldErrors) {
    let id = &input.client_id;
    if !(8..=64).contains(&id.len())
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.add("client_id", "format", "8–64 letters, digits, '-' or '_'");
    }
    for (field, value, max) in [
        ("place", &input.place, 200),
        ("facts", &input.facts, 500),
        ("plate", &input.plate, 12),
    ] {
        if value.trim().is_empty() {
            errors.add(field, "required", "must not be empty");
        } else if value.chars().count() > max {
            errors.add(field, "too_long", format!("at most {max} characters"));
        }
    }
    if let Some(p) = input.position
        && (!p.lat.is_finite() || !p.lon.is_finite() || p.lat.abs() > 90.0 || p.lon.abs() > 180.0)
    {
        errors.add("position", "out_of_range", "not a WGS84 position");
    }
}

/// Runs every rule against the catalog and legal rules of the violation date.
pub fn judge(
    conn: &mut DbConn,
    input: &TicketInput,
) -> ApiResult<(Verdict, Option<super::catalog::ArticleVersion>)> {
    let day = local_date(input.violation_at.naive_utc());
    let at = now();
    let article = article_on(conn, &input.article_code, day)?;
    let of_violation = rules_map(conn, day)?;
    let of_issue = rules_map(conn, local_date(at))?;
    let facts = Facts {
        kind: input.kind,
        violation_at: input.violation_at.naive_utc(),
        reported_at: input.reported_at.map(|t| t.naive_utc()),
        plate: &input.plate,
        vehicle_class: input.vehicle_class,
        fine: input.fine,
        speed: input.speed,
        crash: input.crash,
        recipient: input.recipient(),
        driver: input.driver.as_ref(),
        owner: input.owner.as_ref(),
        guardian: input.guardian.as_ref(),
        signature: &input.signature,
    };
    let mut verdict = validate::judge(
        &facts,
        input.article_code.trim(),
        article.as_ref(),
        Rules {
            of_violation: &of_violation,
            of_issue: &of_issue,
        },
        at,
    );
    glyph_warnings(input, &mut verdict);
    let mut text = FieldErrors::new();
    check_text(input, &mut text);
    if let Err(ApiError::Validation(list)) = text.into_result(()) {
        verdict.errors.extend(list);
    }
    Ok((verdict, article))
}

/// A character no printer font has would print as an empty box: most often
/// a rare character in a person's name (Unicode Ext-A/B). Said before issue,
/// never discovered on paper.
pub(super) fn glyph_warnings(input: &TicketInput, verdict: &mut Verdict) {
    let Some(fonts) = crate::print::fonts::stack() else {
        return;
    };
    let mut fields: Vec<(String, &str)> = vec![
        ("place".into(), input.place.as_str()),
        ("facts".into(), input.facts.as_str()),
    ];
    for (role, person) in [
        ("driver", &input.driver),
        ("owner", &input.owner),
        ("guardian", &input.guardian),
    ] {
        if let Some(p) = person {
            fields.push((format!("{role}.name"), p.name.as_str()));
            if let Some(a) = &p.address {
                fields.push((format!("{role}.address"), a.as_str()));
            }
        }
    }
    for (field, text) in fields {
        let missing = fonts.missing(text);
        if !missing.is_empty() {
            let chars: String = missing.iter().collect();
            verdict.warnings.push(FieldError::new(
                field,
                "glyph_missing",
                format!("the printer font has no {chars}: it would print as a box; write it another way or acknowledge"),
            ));
        }
    }
}

/// The verdict of a ticket about to be issued: any error, or any warning not
/// acknowledged, refuses it.
pub(super) fn issuable(
    conn: &mut DbConn,
    input: &TicketInput,
) -> ApiResult<(Verdict, super::catalog::ArticleVersion)> {
    let (verdict, article) = judge(conn, input)?;
    if !verdict.errors.is_empty() {
        return Err(ApiError::Validation(verdict.errors));
    }
    let open: Vec<FieldError> = unacknowledged(&verdict, &input.acknowledge)
        .into_iter()
        .cloned()
        .collect();
    if !open.is_empty() {
        return Err(ApiError::Unacknowledged(open));
    }
    let article = article.ok_or(ApiError::NotFound("article"))?;
    Ok((verdict, article))
}

pub(crate) fn unacknowledged<'a>(
    verdict: &'a Verdict,
    acknowledged: &[String],
) -> Vec<&'a FieldError> {
    verdict
        .warnings
        .iter()
        .filter(|w| !acknowledged.contains(&format!("{}:{}", w.field, w.code)))
        .collect()
}

pub fn check(conn: &mut DbConn, input: &TicketInput) -> ApiResult<CheckResult> {
    let (verdict, _) = judge(conn, input)?;
    let ok = verdict.errors.is_empty() && unacknowledged(&verdict, &input.acknowledge).is_empty();
    Ok(CheckResult {
        ok,
        errors: verdict.errors,
        warnings: verdict.warnings,
        plate: verdict.plate,
        due_date: verdict.due_date,
        scheduled_fine: verdict.scheduled_fine,
        ticketing_deadline: verdict.ticketing_deadline,
    })
}
