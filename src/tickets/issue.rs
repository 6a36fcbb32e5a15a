//! Issuing a ticket: every rule, a number never used before, one immutable
//! row, audited.

use super::check::issuable;
use super::input::TicketInput;
use super::model::ErrorType;
use super::national_id::NationalId;
use super::numbering;
use super::numbering::numbers_left;
use super::plate::Plate;
use super::store::{self, TicketRow};
use super::validate::Verdict;
use super::view::{Context, TicketView, view};
use crate::db::{DbConn, now, write_txn};
use crate::domain::TicketId;
use crate::domain::{Actor, UnitId, UserId};
use crate::error::{ApiError, ApiResult};

pub(super) fn ensure_police(actor: &Actor) -> ApiResult<UserId> {
    match (actor.role.is_police(), actor.user_id) {
        (true, Some(id)) => Ok(id),
        _ => Err(ApiError::Forbidden("role_not_allowed")),
    }
}

/// Issues a ticket: every rule, a number never used before, one immutable
/// row, audited. The same `client_id` again replays the first answer.
pub fn issue(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    input: &TicketInput,
) -> ApiResult<TicketView> {
    let officer = ensure_police(actor)?;
    let unit = actor
        .unit_id
        .ok_or(ApiError::Forbidden("role_not_allowed"))?;
    let fingerprint = crate::idempotency::fingerprint(input);
    // A request racing this one (on this node or another) may commit the
    // same client id or number first: the unique index refuses the loser,
    // and one more attempt sees the winner's row and answers from it.
    let issued = ApiError::retry_after_lost_race(|| {
        issue_once(conn, actor, ctx, input, officer, unit, &fingerprint)
    });
    // Only the rules' errors are mistakes caught; other refusals are not.
    if let Err(ApiError::Validation(errors)) = &issued {
        super::near_miss::note_caught(conn, actor, &input.client_id, errors);
    }
    issued
}

fn issue_once(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    input: &TicketInput,
    officer: UserId,
    unit: UnitId,
    fingerprint: &str,
) -> ApiResult<TicketView> {
    write_txn(conn, |conn| {
        let view = issue_in_txn(conn, actor, ctx, input, officer, unit, fingerprint)?;
        if !view.replayed {
            count_issue(conn, &view, None, None)?;
        }
        Ok(view)
    })
}

/// Issues a ticket of `unit` by `officer` inside the caller's write
/// transaction: for a case, whose approval and ticket commit together.
pub(crate) fn issue_in_txn(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    input: &TicketInput,
    officer: UserId,
    unit: UnitId,
    fingerprint: &str,
) -> ApiResult<TicketView> {
    {
        if let Some(existing) = store::ticket_by_client_id(conn, &input.client_id)? {
            crate::idempotency::replay_or_conflict(
                existing.officer_id == officer && existing.supersedes_id.is_none(),
                existing.request_fingerprint.as_deref(),
                fingerprint,
                "another ticket",
            )?;
            let mut view = view(conn, ctx, existing)?;
            view.replayed = true;
            return Ok(view);
        }
        let (verdict, article) = issuable(conn, input)?;
        let (serial, from_block) = match &input.number {
            Some(n) => {
                let serial = numbering::parse(ctx.prefix, n).map_err(|e| match e {
                    numbering::NumberError::Format => {
                        ApiError::field("number", "format", "not a ticket number of this city")
                    }
                    numbering::NumberError::CheckDigit => ApiError::field(
                        "number",
                        "check_digit",
                        "the check digit does not match: a typo?",
                    ),
                })?;
                if store::block_holding(conn, officer, serial)?.is_none() {
                    return Err(ApiError::field(
                        "number",
                        "not_allotted",
                        "this number is not in one of your blocks",
                    ));
                }
                if store::serial_used(conn, serial)? {
                    return Err(ApiError::conflict(
                        "number_used",
                        "this number is already on a ticket",
                    ));
                }
                (serial, true)
            }
            None => {
                let serial = store::take_serials(conn, 1)?;
                store::insert_block(conn, officer, "server", serial, serial, now())?;
                (serial, false)
            }
        };
        let row = content_row(
            input,
            &verdict,
            &article,
            Identity {
                number: numbering::format(ctx.prefix, serial),
                serial,
                version: 1,
                supersedes_id: None,
                error_type: None,
                unit_id: unit,
                officer_id: officer,
                respond_to: respond_to(conn, ctx, unit, &article)?,
                device: actor.device.clone(),
                request_fingerprint: fingerprint.to_owned(),
            },
        )?;
        let id = insert_with_people(conn, &row, input)?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket.issue", "ticket")
                .object(id)
                .unit(unit)
                .details(serde_json::json!({"number": row.number, "article": row.article_code, "fine": row.fine})),
        )?;
        let stored = store::ticket_with_unit(conn, id)?
            .ok_or(ApiError::NotFound("ticket"))?
            .0;
        let mut view = view(conn, ctx, stored)?;
        if from_block {
            view.numbers_left = Some(numbers_left(conn, officer)?);
        }
        Ok(view)
    }
}

/// Counts a newly issued ticket for the statistics (`counts.rs`), with
/// the vendor and keyer of the case it came from, if any.
pub(crate) fn count_issue(
    conn: &mut DbConn,
    view: &TicketView,
    vendor: Option<crate::domain::VendorId>,
    keyer: Option<UserId>,
) -> ApiResult<()> {
    let key = super::counts::CountKey::new(
        view.issued_at.naive_utc(),
        view.unit_id,
        view.kind,
        view.officer_id,
        vendor,
        keyer,
    );
    Ok(super::counts::add(conn, &key, 1)?)
}

/// What a ticket version is, apart from its content.
pub(super) struct Identity {
    pub(super) number: String,
    pub(super) serial: i64,
    pub(super) version: i32,
    pub(super) supersedes_id: Option<TicketId>,
    pub(super) error_type: Option<ErrorType>,
    pub(super) unit_id: UnitId,
    pub(super) officer_id: UserId,
    pub(super) respond_to: String,
    pub(super) device: Option<String>,
    pub(super) request_fingerprint: String,
}

/// The row of a ticket version: its identity and the judged content.
pub(super) fn content_row(
    input: &TicketInput,
    verdict: &Verdict,
    article: &super::catalog::ArticleVersion,
    id: Identity,
) -> ApiResult<TicketRow> {
    Ok(TicketRow {
        id: TicketId(0),
        number: id.number,
        serial: id.serial,
        version: id.version,
        supersedes_id: id.supersedes_id,
        error_type: id.error_type,
        client_id: input.client_id.clone(),
        kind: input.kind,
        unit_id: id.unit_id,
        officer_id: id.officer_id,
        device: id.device,
        violation_at: crate::db::truncate_micros(input.violation_at.naive_utc()),
        reported_at: input
            .reported_at
            .map(|t| crate::db::truncate_micros(t.naive_utc())),
        place: input.place.trim().to_owned(),
        lat: input.position.map(|p| p.lat),
        lon: input.position.map(|p| p.lon),
        plate: Plate::parse(&input.plate)
            .map_err(|_| ApiError::field("plate", "format", "not a plate number"))?,
        vehicle_class: input.vehicle_class,
        article_code: article.code.clone(),
        article_text: format!("{} {}", article.article, article.description),
        facts: input.facts.trim().to_owned(),
        fine: input.fine,
        due_date: verdict
            .due_date
            .ok_or(ApiError::NotFound("due date rule"))?,
        respond_to: id.respond_to,
        signature: input.signature.status,
        signature_reason: input.signature.reason.clone(),
        warnings_acknowledged: input.acknowledge.join(","),
        issued_at: now(),
        request_fingerprint: Some(id.request_fingerprint),
    })
}

pub(super) fn insert_with_people(
    conn: &mut DbConn,
    row: &TicketRow,
    input: &TicketInput,
) -> ApiResult<TicketId> {
    let id = store::insert_ticket(conn, row)?;
    store::insert_notice(
        conn,
        &store::NoticeRow {
            ticket_id: id,
            recipient: input.recipient(),
            handed_over_at: input
                .signature
                .handed_over_at
                .map(|t| crate::db::truncate_micros(t.naive_utc())),
            speed_limit: input.speed.map(|s| s.limit_kmh),
            measured_speed: input.speed.map(|s| s.measured_kmh),
            crash: input.crash.is_some(),
            appraisal_concluded_on: input.crash.and_then(|c| c.appraisal_concluded_on),
        },
    )?;
    for (role, person) in [
        ("driver", &input.driver),
        ("owner", &input.owner),
        ("guardian", &input.guardian),
    ] {
        if let Some(p) = person {
            // Parsed once more into its type; the rules already passed it.
            let national_id = match &p.national_id {
                Some(raw) => Some(NationalId::parse(raw).map(|(id, _)| id).map_err(|_| {
                    ApiError::field(&format!("{role}.national_id"), "format", "not an ID number")
                })?),
                None => None,
            };
            store::insert_person(conn, id, role, p, national_id.as_ref())?;
        }
    }
    Ok(id)
}

/// Where the recipient responds (應到案處所). Violations of the Act's
/// chapter 2 (§§12–68, motor vehicles) are decided by the city's traffic
/// adjudication authority (細則 §7 in the text of 2012-06-29: "依本條例第二章
/// 各條款……舉發之違反道路交通管理事件，得由中央及直轄市公路主管機關委任所屬
/// 機關處罰"), set by `EPATROL_ADJUDICATION_OFFICE`; the rest by the police
/// (§8), here the issuing unit's precinct or bureau.
pub(super) fn respond_to(
    conn: &mut DbConn,
    ctx: &Context<'_>,
    unit: UnitId,
    article: &super::catalog::ArticleVersion,
) -> ApiResult<String> {
    if article
        .article_number()
        .is_some_and(|(n, _)| (12..=68).contains(&n))
    {
        return Ok(ctx.adjudication_office.to_owned());
    }
    let u = crate::org::directory::unit_by_id(conn, unit)?.ok_or(ApiError::NotFound("unit"))?;
    let name = match u.parent_id {
        Some(p) if u.kind == crate::domain::UnitKind::Station => {
            crate::org::directory::unit_by_id(conn, p)?
                .map(|p| p.name)
                .unwrap_or(u.name)
        }
        _ => u.name,
    };
    Ok(name)
}
