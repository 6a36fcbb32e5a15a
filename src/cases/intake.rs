//! Intake of camera cases and citizen reports. A case is taken whatever
//! the gates say, so that every case received is accounted for: one that
//! can never become a ticket (out of time, reported too late, an article
//! citizens may not report, a repeat of a case already in) is closed at
//! once with its reason, decided by the rule.

use chrono::NaiveDateTime;

use super::gates::{self, Intake};
use super::input::CaseInput;
use super::status::{CaseStatus, CloseReason};
use super::store::{self, NewCase};
use super::view::{CaseView, view};
use crate::db::{DbConn, now, truncate_micros, write_txn};
use crate::domain::time::taiwan_date;
use crate::domain::{Actor, CaseId};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::tickets::catalog::TicketKind;
use crate::tickets::check::{article_on, rules_map};
use crate::tickets::plate::normalise;

/// The shape of an intake: every bad field at once.
pub(super) fn check_fields(input: &CaseInput, now: NaiveDateTime, errors: &mut FieldErrors) {
    let id = &input.client_id;
    if !(4..=64).contains(&id.len())
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
    {
        errors.add(
            "client_id",
            "format",
            "4–64 letters, digits, '-', '_', '.' or ':'",
        );
    }
    if input.source == TicketKind::OnTheSpot {
        errors.add(
            "source",
            "not_a_case",
            "on-the-spot tickets are written by the officer, not keyed from a case",
        );
    }
    let violation = input.violation_at.naive_utc();
    if violation > now + chrono::Duration::minutes(5) {
        errors.add(
            "violation_at",
            "in_future",
            "the violation time is in the future",
        );
    }
    if let Some(r) = input.received_at.map(|t| t.naive_utc()) {
        if r > now + chrono::Duration::minutes(5) {
            errors.add("received_at", "in_future", "received in the future?");
        }
        if r < violation {
            errors.add(
                "received_at",
                "before_violation",
                "received before it happened?",
            );
        }
    }
    let texts = [
        ("place", Some(&input.place), 200, true),
        ("description", input.description.as_ref(), 2000, false),
        ("plate", input.plate.as_ref(), 12, false),
        ("article_code", input.article_code.as_ref(), 32, false),
    ];
    for (field, value, max, required) in texts {
        match value.map(|v| v.trim()) {
            Some("") | None if required => errors.add(field, "required", "must not be empty"),
            Some(v) if v.chars().count() > max => {
                errors.add(field, "too_long", format!("at most {max} characters"))
            }
            _ => {}
        }
    }
    if let Some(p) = input.position
        && (!p.lat.is_finite() || !p.lon.is_finite() || p.lat.abs() > 90.0 || p.lon.abs() > 180.0)
    {
        errors.add("position", "out_of_range", "not a WGS84 position");
    }
    match (input.source, &input.camera, &input.reporter) {
        (TicketKind::Camera, None, _) => errors.add(
            "camera",
            "required",
            "a camera case says which camera and what it measured",
        ),
        (TicketKind::Camera, _, Some(_)) => {
            errors.add("reporter", "not_allowed", "a camera case has no reporter")
        }
        (TicketKind::CitizenReport, _, None) => {
            errors.add("reporter", "required", "who reported it, to answer them")
        }
        (TicketKind::CitizenReport, Some(_), _) => {
            errors.add("camera", "not_allowed", "a citizen report has no camera")
        }
        _ => {}
    }
    if let Some(c) = &input.camera {
        let id = c.camera_id.trim();
        if id.is_empty() || id.chars().count() > 64 {
            errors.add("camera.camera_id", "format", "1–64 characters");
        }
        for (field, v) in [
            ("camera.measured_speed", c.measured_speed),
            ("camera.speed_limit", c.speed_limit),
        ] {
            if v.is_some_and(|v| !(0..=400).contains(&v)) {
                errors.add(field, "out_of_range", "0–400 km/h");
            }
        }
        if c.signal_phase
            .as_ref()
            .is_some_and(|s| s.chars().count() > 64)
        {
            errors.add("camera.signal_phase", "too_long", "at most 64 characters");
        }
    }
    if let Some(r) = &input.reporter {
        for (field, v, max) in [
            ("reporter.name", &r.name, 60),
            ("reporter.contact", &r.contact, 120),
        ] {
            if v.trim().is_empty() {
                errors.add(field, "required", "must not be empty");
            } else if v.chars().count() > max {
                errors.add(field, "too_long", format!("at most {max} characters"));
            }
        }
    }
}

fn optional_text(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Takes a case in (supervisors and administrators of its unit). The same
/// `client_id` again replays the first answer; with another body, 409.
pub fn receive(conn: &mut DbConn, actor: &Actor, input: &CaseInput) -> ApiResult<CaseView> {
    if !matches!(
        actor.role,
        crate::domain::Role::Supervisor | crate::domain::Role::Admin
    ) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let at = now();
    let mut errors = FieldErrors::new();
    check_fields(input, at, &mut errors);
    errors.into_result(())?;
    let fingerprint = crate::idempotency::fingerprint(input);
    ApiError::retry_after_lost_race(|| {
        write_txn(conn, |conn| {
            if let Some(existing) = store::case_by_client_id(conn, &input.client_id)? {
                let (row, path) =
                    store::case_by_id(conn, existing.id)?.ok_or(ApiError::NotFound("case"))?;
                crate::idempotency::replay_or_conflict(
                    actor.reaches(&path),
                    Some(&existing.request_fingerprint),
                    &fingerprint,
                    "another case",
                )?;
                let mut v = view(conn, actor, row)?;
                v.replayed = true;
                return Ok(v);
            }
            let id = insert(conn, actor, input, &fingerprint, at)?;
            let (row, _) = store::case_by_id(conn, id)?.ok_or(ApiError::NotFound("case"))?;
            view(conn, actor, row)
        })
    })
}

pub(super) fn insert(
    conn: &mut DbConn,
    actor: &Actor,
    input: &CaseInput,
    fingerprint: &str,
    at: NaiveDateTime,
) -> ApiResult<CaseId> {
    let unit = crate::org::directory::unit_by_id(conn, input.unit_id)?
        .filter(|u| actor.reaches(&u.path))
        .ok_or_else(|| ApiError::field("unit_id", "not_found", "no such unit within your reach"))?;
    if unit.disabled_at.is_some() {
        return Err(ApiError::field(
            "unit_id",
            "disabled",
            "the unit is disabled",
        ));
    }
    if let Some(v) = input.vendor_id {
        let vendor = crate::org::directory::vendor_by_id(conn, v)?
            .ok_or_else(|| ApiError::field("vendor_id", "not_found", "no such vendor"))?;
        if vendor.disabled_at.is_some() {
            return Err(ApiError::field(
                "vendor_id",
                "disabled",
                "the vendor is disabled",
            ));
        }
    }
    // Beyond the vendor contract's caps the police key it: nothing stalls.
    let vendor_id = match input.vendor_id {
        Some(v) if !crate::contracts::takes_more(conn, v, at)? => None,
        v => v,
    };
    let violation_at = truncate_micros(input.violation_at.naive_utc());
    let received_at = input
        .received_at
        .map(|t| truncate_micros(t.naive_utc()))
        .unwrap_or(at);
    let violation_day = taiwan_date(violation_at);
    let rules = rules_map(conn, violation_day)?;
    let deadline = gates::ticketing_deadline(violation_at, &rules).unwrap_or(violation_day);
    let plate = input
        .plate
        .as_deref()
        .map(normalise)
        .filter(|p| !p.is_empty());
    let article_code = optional_text(&input.article_code);
    let article = match &article_code {
        Some(code) => article_on(conn, code, violation_day)?,
        None => None,
    };
    let kinds = article.as_ref().map(|a| a.ticket_kinds.clone());
    let reported_article_kinds = match (&article_code, &kinds) {
        (Some(_), Some(k)) => Some(k.as_slice()),
        (Some(_), None) => Some(&[][..]),
        (None, _) => None,
    };
    let gate = gates::not_actionable(
        &Intake {
            source: input.source,
            violation_at,
            received_at,
            reported_article_kinds,
        },
        &rules,
        taiwan_date(at),
    );
    // A case naming the same vehicle and provision as another within the
    // repeat window is marked, not merged: whether it is one violation is
    // decided at review, where an intersection or a tunnel can be told
    // (`gates`).
    let rule = gates::repeat_rule(
        input.source,
        article.as_ref().and_then(|a| a.repeat_group),
        &rules,
    );
    let duplicate_of = match (gate, &plate, &article_code, rule) {
        (None, Some(p), Some(a), Some(rule)) => {
            // Reports of one vehicle taken in at the same instant see each
            // other: the first is unmarked, the rest name it.
            crate::db::decision_lock::hold(conn, &format!("vehicle:{p}"))?;
            let window = chrono::Duration::minutes(i64::from(rule.minutes()));
            store::same_violation_candidates(
                conn,
                None,
                p,
                a,
                violation_at - window,
                violation_at + window,
            )?
            .into_iter()
            .next()
        }
        _ => None,
    };
    let close = gate;
    let id = store::insert_case(
        conn,
        &NewCase {
            client_id: input.client_id.clone(),
            request_fingerprint: fingerprint.to_owned(),
            source: input.source,
            unit_id: unit.id,
            vendor_id,
            violation_at,
            received_at,
            place: input.place.trim().to_owned(),
            lat: input.position.map(|p| p.lat),
            lon: input.position.map(|p| p.lon),
            camera_id: input.camera.as_ref().map(|c| c.camera_id.trim().to_owned()),
            measured_speed: input.camera.as_ref().and_then(|c| c.measured_speed),
            speed_limit: input.camera.as_ref().and_then(|c| c.speed_limit),
            signal_phase: input
                .camera
                .as_ref()
                .and_then(|c| optional_text(&c.signal_phase)),
            reported_plate: plate,
            reported_article: article_code,
            description: optional_text(&input.description),
            reporter_name: input.reporter.as_ref().map(|r| r.name.trim().to_owned()),
            reporter_contact: input.reporter.as_ref().map(|r| r.contact.trim().to_owned()),
            deadline,
            status: if close.is_some() {
                CaseStatus::Closed
            } else {
                CaseStatus::Received
            },
            close_reason: close,
            duplicate_of,
            created_by: actor.user_id,
            created_at: at,
            updated_at: at,
        },
    )?;
    store::insert_event(
        conn,
        id,
        "received",
        CaseStatus::Received,
        actor.user_id,
        None,
        at,
    )?;
    if vendor_id.is_none() && input.vendor_id.is_some() {
        store::insert_to_police_event(conn, id, at)?;
    }
    if let Some(reason) = close {
        // Decided by the rule, not by a person: no actor.
        store::insert_event(
            conn,
            id,
            "closed",
            CaseStatus::Closed,
            None,
            Some(reason.as_str()),
            at,
        )?;
    }
    crate::audit::append(
        conn,
        actor
            .audit("case.receive", "case")
            .object(id)
            .unit(unit.id)
            .details(serde_json::json!({
                "source": input.source.as_str(),
                "closed": close.map(CloseReason::as_str),
            })),
    )?;
    Ok(id)
}
