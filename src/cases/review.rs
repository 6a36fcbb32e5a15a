//! The police side of a case: the reviewer of the case's unit approves it
//! (the ticket is issued, numbered and stored in the same transaction) or
//! sends it back with a reason; police or the vendor supervisor close a
//! case that cannot become a ticket, with a reason code.

use serde::Serialize;
use utoipa::ToSchema;

use super::duties::may_close;
use super::gates::{self, Intake};
use super::input::{ApproveInput, CloseInput, SendBackInput};
use super::settle::{judge, near_misses_of, settled, ticket_input};
use super::status::{Action, CaseStatus, CloseReason, Step, next};
use super::store;
use super::view::{CaseView, get_readable, view};
use super::work::begin_step;
use crate::db::{DbConn, now, write_txn};
use crate::domain::time::taiwan_date;
use crate::domain::{Actor, CaseId};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::tickets::check::{rules_map, unacknowledged};
use crate::tickets::view::{Context, TicketView};

#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovedCase {
    pub case: CaseView,
    pub ticket: TicketView,
}

/// Whether this case may be ticketed beside those already ticketed for
/// the same vehicle and provision (`gates`): a refusal says which case and
/// which paragraph; a repeat only the reviewer can decide asks for their
/// finding (`repeat` of the approval).
fn repeat_gate(
    conn: &mut DbConn,
    case: &store::CaseRow,
    values: &super::settle::Settled,
    rules: &std::collections::HashMap<String, i32>,
    finding: Option<&gates::RepeatFinding>,
) -> ApiResult<ApiResult<()>> {
    let day = taiwan_date(values.critical.violation_at);
    let group = crate::tickets::check::article_on(conn, &values.critical.article_code, day)?
        .and_then(|a| a.repeat_group);
    let Some(rule) = gates::repeat_rule(case.source, group, rules) else {
        return Ok(Ok(()));
    };
    let window = chrono::Duration::minutes(i64::from(rule.minutes()));
    let candidates = store::same_violation_candidates(
        conn,
        Some(case.id),
        &values.critical.plate,
        &values.critical.article_code,
        values.critical.violation_at - window,
        values.critical.violation_at + window,
    )?;
    for other in candidates {
        let Some((o, _)) = store::case_by_id(conn, other)? else {
            continue;
        };
        if o.status != CaseStatus::Ticketed {
            continue;
        }
        let theirs = settled(&store::entries_of(conn, other)?)
            .map(|s| s.critical.violation_at)
            .unwrap_or(o.violation_at);
        let gap = (values.critical.violation_at - theirs).num_minutes();
        let distance = case
            .lat
            .zip(case.lon)
            .zip(o.lat.zip(o.lon))
            .map(|(a, b)| gates::distance_km(a, b));
        match gates::judge_repeat(rule, gap, distance, finding) {
            gates::RepeatVerdict::Lawful => {}
            gates::RepeatVerdict::Unlawful => {
                return Ok(Err(ApiError::conflict(
                    "duplicate_violation",
                    format!(
                        "case {other} was already ticketed for this vehicle and provision {} minutes apart: one violation under {}; close this one as a duplicate",
                        gap.abs(),
                        rule.basis()
                    ),
                )));
            }
            gates::RepeatVerdict::NeedsFinding => {
                return Ok(Err(ApiError::conflict(
                    "repeat_needs_finding",
                    format!(
                        "case {other} was ticketed for this vehicle and provision {} minutes apart: under {} say whether an intersection was passed (and for speeding whether it was in a tunnel) in `repeat`",
                        gap.abs(),
                        rule.basis()
                    ),
                )));
            }
        }
    }
    Ok(Ok(()))
}

/// The warnings the reviewer of a verified case will be asked to
/// acknowledge (those the keyer did not), so the review screen can show
/// them at once. Empty for a case not verified.
pub fn open_warnings(conn: &mut DbConn, actor: &Actor, id: CaseId) -> ApiResult<Vec<FieldError>> {
    let (case, _) = get_readable(conn, actor, id)?;
    if case.status != CaseStatus::Verified {
        return Ok(Vec::new());
    }
    let Some(values) = settled(&store::entries_of(conn, id)?) else {
        return Ok(Vec::new());
    };
    let judged = judge(conn, &case, &values)?;
    Ok(unacknowledged(&judged.verdict, &values.acknowledge)
        .into_iter()
        .cloned()
        .collect())
}

/// Approves a verified case and issues its ticket, to the registered
/// owner, by the reviewer, for the case's unit.
pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: CaseId,
    input: &ApproveInput,
) -> ApiResult<ApprovedCase> {
    let at = now();
    write_txn(conn, |conn| -> ApiResult<ApiResult<ApprovedCase>> {
        let (case, me) = begin_step(conn, actor, id, Step::Review, at)?;
        next(case.status, Action::Approve)
            .ok_or_else(|| ApiError::conflict("wrong_status", "the case cannot be approved now"))?;
        let entries = store::entries_of(conn, id)?;
        let values = settled(&entries).ok_or(ApiError::NotFound("keying"))?;
        // The gates once more: time has passed since intake.
        let rules = rules_map(conn, taiwan_date(values.critical.violation_at))?;
        if let Some(reason) = gates::not_actionable(
            &Intake {
                source: case.source,
                violation_at: values.critical.violation_at,
                received_at: case.received_at,
                reported_article_kinds: None,
            },
            &rules,
            taiwan_date(at),
        ) {
            return Ok(Err(ApiError::conflict(
                "not_actionable",
                format!(
                    "the case can no longer be ticketed ({}): close it",
                    reason.as_str()
                ),
            )));
        }
        // One ticket per violation however approvals interleave: the
        // approvals of one vehicle are decided one after another.
        crate::db::decision_lock::hold(conn, &format!("vehicle:{}", values.critical.plate))?;
        if let Err(e) = repeat_gate(conn, &case, &values, &rules, input.repeat.as_ref())? {
            return Ok(Err(e));
        }
        let judged = judge(conn, &case, &values)?;
        if !judged.verdict.errors.is_empty() {
            store::insert_near_misses(conn, &near_misses_of(&case, values.keyed_by, &judged, at))?;
            return Ok(Err(ApiError::Validation(judged.verdict.errors)));
        }
        let mut acknowledged = values.acknowledge.clone();
        acknowledged.extend(input.acknowledge.iter().cloned());
        let open: Vec<FieldError> = unacknowledged(&judged.verdict, &acknowledged)
            .into_iter()
            .cloned()
            .collect();
        if !open.is_empty() {
            return Ok(Err(ApiError::Unacknowledged(open)));
        }
        let ticket_in = ticket_input(&case, &values, judged.owner, acknowledged);
        let fingerprint = crate::idempotency::fingerprint(&ticket_in);
        let ticket = crate::tickets::issue::issue_in_txn(
            conn,
            actor,
            ctx,
            &ticket_in,
            me,
            case.unit_id,
            &fingerprint,
        )?;
        if !ticket.replayed {
            crate::tickets::issue::count_issue(
                conn,
                &ticket,
                case.vendor_id,
                Some(values.keyed_by),
            )?;
            crate::cases::turnaround_counts::add(
                conn,
                &[crate::cases::turnaround_counts::Ticketed {
                    unit_id: case.unit_id,
                    source: case.source,
                    vendor: case.vendor_id,
                    violation_at: case.violation_at,
                    received_at: case.received_at,
                    issued_at: ticket.issued_at.naive_utc(),
                }],
            )?;
        }
        if let Some(vendor) = case.vendor_id {
            crate::contracts::bill_issue(conn, actor, vendor, ticket.id, at)?;
        }
        store::insert_event(
            conn,
            id,
            "approved",
            CaseStatus::Verified,
            Some(me),
            None,
            at,
        )?;
        store::set_ticketed(conn, id, ticket.id, at)?;
        store::insert_event(
            conn,
            id,
            "ticketed",
            CaseStatus::Ticketed,
            Some(me),
            Some(&ticket.number),
            at,
        )?;
        crate::audit::append(
            conn,
            actor
                .audit("case.approve", "case")
                .object(id)
                .unit(case.unit_id)
                .details(serde_json::json!({"ticket": ticket.number, "repeat": input.repeat})),
        )?;
        let (row, _) = get_readable(conn, actor, id)?;
        Ok(Ok(ApprovedCase {
            case: view(conn, actor, row)?,
            ticket,
        }))
    })?
}

/// Sends a verified case back to keying, saying what is wrong.
pub fn send_back(
    conn: &mut DbConn,
    actor: &Actor,
    id: CaseId,
    input: &SendBackInput,
) -> ApiResult<CaseView> {
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::field(
            "reason",
            "required",
            "say what is wrong, in at most 500 characters",
        ));
    }
    let at = now();
    write_txn(conn, |conn| {
        let (case, me) = begin_step(conn, actor, id, Step::Review, at)?;
        let to = next(case.status, Action::SendBack).ok_or_else(|| {
            ApiError::conflict("wrong_status", "the case cannot be sent back now")
        })?;
        store::set_status(conn, id, to, at)?;
        store::insert_event(conn, id, "sent_back", to, Some(me), Some(reason), at)?;
        crate::audit::append(
            conn,
            actor
                .audit("case.send_back", "case")
                .object(id)
                .unit(case.unit_id),
        )?;
        let (row, _) = get_readable(conn, actor, id)?;
        view(conn, actor, row)
    })
}

/// Closes a case without a ticket: a reason code, a note and who decided.
pub fn close(
    conn: &mut DbConn,
    actor: &Actor,
    id: CaseId,
    input: &CloseInput,
) -> ApiResult<CaseView> {
    let note = input.note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(ApiError::field(
            "note",
            "required",
            "say why, in at most 500 characters",
        ));
    }
    if (input.reason == CloseReason::Duplicate) != input.duplicate_of.is_some() {
        return Err(ApiError::field(
            "duplicate_of",
            "required_for_duplicate",
            "a duplicate names the case it repeats, and only a duplicate does",
        ));
    }
    let at = now();
    write_txn(conn, |conn| {
        let (case, _) = get_readable(conn, actor, id)?;
        if !may_close(actor, case.vendor_id) {
            return Err(ApiError::Forbidden("role_not_allowed"));
        }
        let to = next(case.status, Action::Close).ok_or_else(|| {
            ApiError::conflict(
                "wrong_status",
                format!("the case is already {}", case.status.as_str()),
            )
        })?;
        if let Some(other) = input.duplicate_of {
            let readable = get_readable(conn, actor, other).is_ok();
            if other == id || !readable {
                return Err(ApiError::field(
                    "duplicate_of",
                    "not_found",
                    "no such other case within your reach",
                ));
            }
        }
        store::set_closed(conn, id, input.reason, input.duplicate_of, at)?;
        let reason = format!("{}: {note}", input.reason.as_str());
        store::insert_event(conn, id, "closed", to, actor.user_id, Some(&reason), at)?;
        crate::audit::append(
            conn,
            actor
                .audit("case.close", "case")
                .object(id)
                .unit(case.unit_id)
                .details(serde_json::json!({"reason": input.reason.as_str()})),
        )?;
        let (row, _) = get_readable(conn, actor, id)?;
        view(conn, actor, row)
    })
}
