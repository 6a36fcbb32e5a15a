//! The vendor's steps on a case: 一打 (keying every field), 二驗 (the
//! critical fields again, blind) and the third person's resolution of any
//! difference. Each step is judged by the same rules as an on-the-spot
//! ticket plus the registry check; every mistake caught is kept as a
//! near miss against the person who made it (`settle.rs` says what a
//! case's ticket would be).

use chrono::NaiveDateTime;

use super::compare::{self, Critical};
use super::duties::{is_fresh_pair_of_hands, may_do};
use super::input::{CriticalInput, KeyingInput};
use super::queue::ensure_claimed;
use super::settle::{
    Settled, critical_input, critical_of, current_round, judge, near_misses_of, settled,
};
use super::status::{Action, CaseStatus, Step, next};
use super::store::{self, CaseRow, EntryRow, NewNearMiss};
use super::view::{CaseView, get_readable, view};
use crate::db::{DbConn, now, truncate_micros, write_txn};
use crate::domain::{Actor, CaseId, UserId};
use crate::error::{ApiError, ApiResult, FieldError, FieldErrors};
use crate::tickets::check::unacknowledged;

/// The warnings of a keying that differs from the case's own record
/// (`camera_record.rs`): the camera's, or what the citizen reported.
pub fn record_differs(case: &CaseRow, keyed: &Critical) -> Vec<FieldError> {
    use super::camera_record::Record;
    use crate::tickets::catalog::TicketKind;
    let record = match case.source {
        TicketKind::Camera => Record::Camera,
        TicketKind::CitizenReport => Record::Report,
        _ => return Vec::new(),
    };
    super::camera_record::differs(
        record,
        case.violation_at,
        case.reported_article.as_deref(),
        keyed,
    )
}

/// Opens a step: the case is readable, the role does this step, the case
/// waits for it, the actor holds the claim and did no other step of it.
pub fn begin_step(
    conn: &mut DbConn,
    actor: &Actor,
    id: CaseId,
    step: Step,
    at: NaiveDateTime,
) -> ApiResult<(CaseRow, UserId)> {
    let me = actor
        .user_id
        .ok_or(ApiError::Forbidden("role_not_allowed"))?;
    let (row, _) = get_readable(conn, actor, id)?;
    if !may_do(actor, step, row.vendor_id) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    if row.status != step.works_on() {
        return Err(ApiError::conflict(
            "wrong_status",
            format!(
                "the case is {}, not waiting for {}",
                row.status.as_str(),
                step.as_str()
            ),
        ));
    }
    let others: Vec<UserId> = store::steps_of(conn, id)?
        .into_iter()
        .filter(|(_, s)| *s != step)
        .map(|(u, _)| u)
        .collect();
    if !is_fresh_pair_of_hands(me, &others) {
        return Err(ApiError::Forbidden("separation_of_duties"));
    }
    ensure_claimed(&row, me, at)?;
    Ok((row, me))
}

fn check_critical(i: &CriticalInput, errors: &mut FieldErrors) {
    for (field, value, max) in [
        ("plate", &i.plate, 12),
        ("article_code", &i.article_code, 32),
    ] {
        if value.trim().is_empty() {
            errors.add(field, "required", "must not be empty");
        } else if value.chars().count() > max {
            errors.add(field, "too_long", format!("at most {max} characters"));
        }
    }
}

/// What a keying must look like before any rule is asked.
fn keying_shape(input: &KeyingInput) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_critical(
        &CriticalInput {
            plate: input.plate.clone(),
            vehicle_class: input.vehicle_class,
            article_code: input.article_code.clone(),
            violation_at: input.violation_at,
        },
        &mut errors,
    );
    if input.make.as_ref().is_some_and(|m| m.chars().count() > 40) {
        errors.add("make", "too_long", "at most 40 characters");
    }
    errors
}

fn entry(case: &CaseRow, step: Step, me: UserId, c: &Critical, at: NaiveDateTime) -> EntryRow {
    EntryRow {
        id: 0,
        case_id: case.id,
        step,
        user_id: me,
        vendor_id: case.vendor_id,
        plate: c.plate.clone(),
        vehicle_class: c.vehicle_class,
        article_code: c.article_code.clone(),
        violation_at: c.violation_at,
        place: None,
        facts: None,
        fine: None,
        make: None,
        acknowledge: String::new(),
        created_at: at,
    }
}

fn move_to(
    conn: &mut DbConn,
    actor: &Actor,
    case: &CaseRow,
    action: Action,
    event: &str,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> ApiResult<CaseStatus> {
    let to = next(case.status, action)
        .ok_or_else(|| ApiError::conflict("wrong_status", "the case cannot move that way now"))?;
    store::set_status(conn, case.id, to, at)?;
    store::insert_event(conn, case.id, event, to, actor.user_id, reason, at)?;
    crate::audit::append(
        conn,
        actor
            .audit("case.step", "case")
            .object(case.id)
            .unit(case.unit_id)
            .details(serde_json::json!({"event": event, "status": to.as_str()})),
    )?;
    Ok(to)
}

fn answer(conn: &mut DbConn, actor: &Actor, id: CaseId) -> ApiResult<CaseView> {
    let (row, _) = store::case_by_id(conn, id)?.ok_or(ApiError::NotFound("case"))?;
    view(conn, actor, row)
}

/// The values a keying would settle, as the rules judge them.
fn settled_of(input: &KeyingInput, me: UserId) -> Settled {
    Settled {
        critical: Critical {
            plate: input.plate.clone(),
            vehicle_class: input.vehicle_class,
            article_code: input.article_code.clone(),
            violation_at: truncate_micros(input.violation_at.naive_utc()),
        }
        .normalised(),
        place: input.place.trim().to_owned(),
        facts: input.facts.trim().to_owned(),
        fine: input.fine,
        make: input
            .make
            .as_ref()
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty()),
        acknowledge: input.acknowledge.clone(),
        keyed_by: me,
    }
}

/// What submitting `input` as the keying of a case would meet (errors,
/// then warnings), without keeping anything: the console checks as the
/// keyer types with the rules the submission applies.
pub fn check_keying(
    conn: &mut DbConn,
    actor: &Actor,
    id: CaseId,
    input: &KeyingInput,
) -> ApiResult<(Vec<FieldError>, Vec<FieldError>)> {
    let me = actor
        .user_id
        .ok_or(ApiError::Forbidden("role_not_allowed"))?;
    let (case, _) = get_readable(conn, actor, id)?;
    let settled = settled_of(input, me);
    let mut judged = judge(conn, &case, &settled)?;
    reviewers_only(&mut judged.verdict);
    let mut warnings = judged.verdict.warnings;
    warnings.extend(record_differs(&case, &settled.critical));
    // The shape checks the submission meets first, then the rules.
    let mut errors = keying_shape(input).into_vec();
    errors.extend(judged.verdict.errors);
    Ok((errors, warnings))
}

/// Whether the law a case is judged by has been confirmed by the legal
/// office is the police reviewer's to acknowledge at approval ("the
/// officer or reviewer"); vendor staff key what the evidence shows, and are
/// not asked.
fn reviewers_only(v: &mut crate::tickets::validate::Verdict) {
    v.warnings
        .retain(|w| !(w.field == "article_code" && w.code == "unconfirmed"));
}

/// 一打: keys every field. Mistakes the rules or the registry catch are
/// refused (422) and kept as near misses.
pub fn key(
    conn: &mut DbConn,
    actor: &Actor,
    id: CaseId,
    input: &KeyingInput,
) -> ApiResult<CaseView> {
    let at = now();
    keying_shape(input).into_result(())?;
    // The refusal is answered after the commit, so the near misses stay.
    write_txn(conn, |conn| -> ApiResult<ApiResult<CaseView>> {
        let (case, me) = begin_step(conn, actor, id, Step::Keying, at)?;
        let settled = settled_of(input, me);
        let mut judged = judge(conn, &case, &settled)?;
        if !judged.verdict.errors.is_empty() {
            store::insert_near_misses(conn, &near_misses_of(&case, me, &judged, at))?;
            return Ok(Err(ApiError::Validation(judged.verdict.errors)));
        }
        reviewers_only(&mut judged.verdict);
        judged
            .verdict
            .warnings
            .extend(record_differs(&case, &settled.critical));
        let open: Vec<FieldError> = unacknowledged(&judged.verdict, &input.acknowledge)
            .into_iter()
            .cloned()
            .collect();
        if !open.is_empty() {
            return Ok(Err(ApiError::Unacknowledged(open)));
        }
        let mut e = entry(&case, Step::Keying, me, &settled.critical, at);
        e.place = Some(settled.place.clone());
        e.facts = Some(settled.facts.clone());
        e.fine = Some(settled.fine);
        e.make = settled.make.clone();
        e.acknowledge = input.acknowledge.join(",");
        store::insert_entry(conn, &e)?;
        move_to(conn, actor, &case, Action::Key, "keyed", None, at)?;
        Ok(answer(conn, actor, id))
    })?
}

/// 二驗: the critical fields again, without having seen the keying.
/// Agreement moves the case on to review; a difference to resolution.
pub fn verify(
    conn: &mut DbConn,
    actor: &Actor,
    id: CaseId,
    input: &CriticalInput,
) -> ApiResult<CaseView> {
    let at = now();
    let mut errors = FieldErrors::new();
    check_critical(input, &mut errors);
    errors.into_result(())?;
    write_txn(conn, |conn| {
        let (case, me) = begin_step(conn, actor, id, Step::Verification, at)?;
        let entries = store::entries_of(conn, id)?;
        let (keying, _, _) = current_round(&entries).ok_or(ApiError::NotFound("keying"))?;
        let mine = critical_input(input);
        let differences = compare::differences(&critical_of(keying), &mine);
        store::insert_entry(conn, &entry(&case, Step::Verification, me, &mine, at))?;
        if differences.is_empty() {
            move_to(
                conn,
                actor,
                &case,
                Action::Verify { agrees: true },
                "verified",
                None,
                at,
            )?;
        } else {
            let fields = differences.join(",");
            move_to(
                conn,
                actor,
                &case,
                Action::Verify { agrees: false },
                "sent_to_resolution",
                Some(&fields),
                at,
            )?;
        }
        answer(conn, actor, id)
    })
}

/// The vendor supervisor settles the critical fields against the evidence,
/// seeing both keyings; every value that differs from the settled one is
/// recorded against the person who typed it.
pub fn resolve(
    conn: &mut DbConn,
    actor: &Actor,
    id: CaseId,
    input: &CriticalInput,
) -> ApiResult<CaseView> {
    let at = now();
    let mut errors = FieldErrors::new();
    check_critical(input, &mut errors);
    errors.into_result(())?;
    write_txn(conn, |conn| -> ApiResult<ApiResult<CaseView>> {
        let (case, me) = begin_step(conn, actor, id, Step::Resolution, at)?;
        let entries = store::entries_of(conn, id)?;
        let (keying, verification, _) =
            current_round(&entries).ok_or(ApiError::NotFound("keying"))?;
        let verification = verification.ok_or(ApiError::NotFound("verification"))?;
        let mine = critical_input(input);
        let mut values = settled(&entries).ok_or(ApiError::NotFound("keying"))?;
        values.critical = mine.clone();
        let judged = judge(conn, &case, &values)?;
        if !judged.verdict.errors.is_empty() {
            store::insert_near_misses(conn, &near_misses_of(&case, me, &judged, at))?;
            return Ok(Err(ApiError::Validation(judged.verdict.errors)));
        }
        let blamed: Vec<NewNearMiss> =
            compare::blame(&critical_of(keying), &critical_of(verification), &mine)
                .into_iter()
                .map(|(field, step)| NewNearMiss {
                    case_id: case.id,
                    unit_id: case.unit_id,
                    vendor_id: case.vendor_id,
                    user_id: Some(if step == Step::Keying {
                        keying.user_id
                    } else {
                        verification.user_id
                    }),
                    caught_by: "verification".into(),
                    field: field.into(),
                    code: format!("{}_wrong", step.as_str()),
                    at,
                })
                .collect();
        store::insert_near_misses(conn, &blamed)?;
        store::insert_entry(conn, &entry(&case, Step::Resolution, me, &mine, at))?;
        move_to(conn, actor, &case, Action::Resolve, "resolved", None, at)?;
        Ok(answer(conn, actor, id))
    })?
}
