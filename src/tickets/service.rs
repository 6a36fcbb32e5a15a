//! Issuing, reading, voiding and correcting tickets; number blocks for
//! offline work; public verification.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::TicketKind;
use super::catalog_store::{self, ArticleQuery};
use super::number;
use super::plate::VehicleClass;
use super::store::{self, TicketRow};
use super::validate::{self, Facts, Person, Verdict};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Role, UnitId, UserId};
use crate::error::{ApiError, ApiResult, FieldError, FieldErrors};
use crate::patrol::code::CodeKeys;
use crate::patrol::schedule::utc_to_local;

/// Fewer unused numbers than this left in a device's blocks: time for a new block.
pub const LOW_BLOCK: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// The recipient signed.
    Obtained,
    /// The recipient refused; the reason is required.
    Refused,
    /// Nobody to sign (camera cases, citizen reports).
    NotApplicable,
}

impl SignatureStatus {
    fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Obtained => "obtained",
            SignatureStatus::Refused => "refused",
            SignatureStatus::NotApplicable => "not_applicable",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub status: SignatureStatus,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
pub struct Spot {
    pub lat: f64,
    pub lon: f64,
}

/// A ticket as the handheld sends it for checking or issue.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    /// The handheld's id for this ticket: sending it again replays the answer.
    #[schema(example = "2f0c9d4e-1b6a-4c8e-9f3a-7d5e2b1c0a99")]
    pub client_id: String,
    /// A number from one of this officer's blocks (offline); absent: the
    /// server gives the next one.
    pub number: Option<String>,
    pub kind: TicketKind,
    pub violation_at: DateTime<Utc>,
    /// When a citizen report came in (citizen reports only).
    pub reported_at: Option<DateTime<Utc>>,
    #[schema(example = "臺南市東區東門路一段與府連路口")]
    pub place: String,
    pub position: Option<Spot>,
    #[schema(example = "ABC-1234")]
    pub plate: String,
    pub vehicle_class: VehicleClass,
    #[schema(example = "53-1")]
    pub article_code: String,
    /// 違規事實.
    #[schema(example = "行經有燈光號誌管制之交岔路口闖紅燈")]
    pub facts: String,
    pub fine: i32,
    pub driver: Option<Person>,
    pub owner: Option<Person>,
    pub signature: Signature,
    /// Warnings the officer has seen and accepts, as `field:code`.
    #[serde(default)]
    pub acknowledge: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResult {
    /// True when the ticket can be issued (no errors; warnings acknowledged or none).
    pub ok: bool,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    pub plate: String,
    pub due_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Issued,
    Voided,
    /// A correction replaced this version.
    Superseded,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    pub id: i64,
    #[schema(example = "TN000012340")]
    pub number: String,
    pub version: i32,
    pub supersedes_id: Option<i64>,
    /// For corrections: what was wrong.
    pub error_type: Option<String>,
    pub status: TicketStatus,
    pub kind: TicketKind,
    pub unit_id: UnitId,
    /// 舉發單位: the issuing unit's name.
    pub issuing_unit: String,
    pub officer_id: UserId,
    /// 舉發員警: the issuing officer's badge.
    pub officer_badge: String,
    /// For a superseded version: the version now in force.
    pub current_version: Option<i32>,
    pub violation_at: DateTime<Utc>,
    pub reported_at: Option<DateTime<Utc>>,
    pub place: String,
    pub position: Option<Spot>,
    pub plate: String,
    pub vehicle_class: VehicleClass,
    pub article_code: String,
    pub article: String,
    pub facts: String,
    pub fine: i32,
    pub due_date: NaiveDate,
    /// Where to respond (應到案處所).
    pub respond_to: String,
    pub signature: Signature,
    pub driver: Option<Person>,
    pub owner: Option<Person>,
    pub issued_at: DateTime<Utc>,
    /// The public verification link printed as the ticket's QR code.
    pub verify_url: String,
    /// True when the answer repeats an earlier upload of the same ticket.
    pub replayed: bool,
    /// Unused numbers left in this officer's blocks, when the number came from one.
    pub numbers_left: Option<i64>,
}

fn local_date(t: chrono::NaiveDateTime) -> NaiveDate {
    utc_to_local(t).date()
}

fn rules_map(conn: &mut DbConn, on: NaiveDate) -> ApiResult<HashMap<String, i32>> {
    Ok(catalog_store::rules_on(conn, on)?
        .into_iter()
        .map(|r| (r.key, r.value))
        .collect())
}

/// Text fields the rules do not cover.
fn check_text(input: &TicketInput, errors: &mut FieldErrors) {
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
    let article = catalog_store::articles_on(
        conn,
        &ArticleQuery {
            on: Some(day),
            vehicle_class: None,
            ticket_kind: None,
        },
        day,
    )?
    .into_iter()
    .find(|a| a.code == input.article_code.trim());
    let rules = rules_map(conn, day)?;
    let facts = Facts {
        kind: input.kind,
        violation_at: input.violation_at.naive_utc(),
        reported_at: input.reported_at.map(|t| t.naive_utc()),
        plate: &input.plate,
        vehicle_class: input.vehicle_class,
        fine: input.fine,
        driver: input.driver.as_ref(),
        owner: input.owner.as_ref(),
        signature_refused_reason: input.signature.reason.as_deref(),
        signature_refused: input.signature.status == SignatureStatus::Refused,
    };
    let mut verdict = validate::judge(
        &facts,
        input.article_code.trim(),
        article.as_ref(),
        &rules,
        now(),
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
fn glyph_warnings(input: &TicketInput, verdict: &mut Verdict) {
    let Some(fonts) = crate::print::fonts::stack() else {
        return;
    };
    let mut fields: Vec<(String, &str)> = vec![
        ("place".into(), input.place.as_str()),
        ("facts".into(), input.facts.as_str()),
    ];
    for (role, person) in [("driver", &input.driver), ("owner", &input.owner)] {
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
fn issuable(
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

fn unacknowledged<'a>(verdict: &'a Verdict, acknowledged: &[String]) -> Vec<&'a FieldError> {
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
    })
}

fn ensure_police(actor: &Actor) -> ApiResult<UserId> {
    match (actor.role.is_police(), actor.user_id) {
        (true, Some(id)) => Ok(id),
        _ => Err(ApiError::Forbidden("role_not_allowed")),
    }
}

pub struct Context<'a> {
    pub keys: &'a CodeKeys,
    pub prefix: &'a str,
    pub public_url: &'a str,
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
    let mut attempt = || issue_once(conn, actor, ctx, input, officer, unit, &fingerprint);
    match attempt() {
        Err(ApiError::UniqueViolation(_)) => attempt(),
        other => other,
    }
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
        if let Some(existing) = store::ticket_by_client_id(conn, &input.client_id)? {
            if existing.officer_id != officer
                || existing.supersedes_id.is_some()
                || !crate::idempotency::same_request(
                    existing.request_fingerprint.as_deref(),
                    fingerprint,
                )
            {
                return Err(ApiError::conflict(
                    "client_id_conflict",
                    "another ticket was already stored under this client id",
                ));
            }
            let mut view = view(conn, ctx, existing)?;
            view.replayed = true;
            return Ok(view);
        }
        let (verdict, article) = issuable(conn, input)?;
        let (serial, from_block) = match &input.number {
            Some(n) => {
                let serial = number::parse(ctx.prefix, n).map_err(|e| match e {
                    number::NumberError::Format => {
                        ApiError::field("number", "format", "not a ticket number of this city")
                    }
                    number::NumberError::CheckDigit => ApiError::field(
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
                number: number::format(ctx.prefix, serial),
                serial,
                version: 1,
                supersedes_id: None,
                error_type: None,
                unit_id: unit,
                officer_id: officer,
                respond_to: respond_to(conn, unit)?,
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
    })
}

/// What a ticket version is, apart from its content.
struct Identity {
    number: String,
    serial: i64,
    version: i32,
    supersedes_id: Option<i64>,
    error_type: Option<String>,
    unit_id: UnitId,
    officer_id: UserId,
    respond_to: String,
    device: Option<String>,
    request_fingerprint: String,
}

/// The row of a ticket version: its identity and the judged content.
fn content_row(
    input: &TicketInput,
    verdict: &Verdict,
    article: &super::catalog::ArticleVersion,
    id: Identity,
) -> ApiResult<TicketRow> {
    Ok(TicketRow {
        id: 0,
        number: id.number,
        serial: id.serial,
        version: id.version,
        supersedes_id: id.supersedes_id,
        error_type: id.error_type,
        client_id: input.client_id.clone(),
        kind: input.kind.as_str().to_owned(),
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
        plate: verdict.plate.clone(),
        vehicle_class: input.vehicle_class.as_str().to_owned(),
        article_code: article.code.clone(),
        article_text: format!("{} {}", article.article, article.description),
        facts: input.facts.trim().to_owned(),
        fine: input.fine,
        due_date: verdict
            .due_date
            .ok_or(ApiError::NotFound("due date rule"))?,
        respond_to: id.respond_to,
        signature: input.signature.status.as_str().to_owned(),
        signature_reason: input.signature.reason.clone(),
        warnings_acknowledged: input.acknowledge.join(","),
        issued_at: now(),
        request_fingerprint: Some(id.request_fingerprint),
    })
}

fn insert_with_people(conn: &mut DbConn, row: &TicketRow, input: &TicketInput) -> ApiResult<i64> {
    let id = store::insert_ticket(conn, row)?;
    if let Some(d) = &input.driver {
        store::insert_person(conn, id, "driver", d)?;
    }
    if let Some(o) = &input.owner {
        store::insert_person(conn, id, "owner", o)?;
    }
    Ok(id)
}

/// Where the recipient responds: the issuing unit's precinct or bureau.
fn respond_to(conn: &mut DbConn, unit: UnitId) -> ApiResult<String> {
    let u = crate::org::store::unit_by_id(conn, unit)?.ok_or(ApiError::NotFound("unit"))?;
    let name = match u.parent_id {
        Some(p) if u.kind == "station" => crate::org::store::unit_by_id(conn, p)?
            .map(|p| p.name)
            .unwrap_or(u.name),
        _ => u.name,
    };
    Ok(name)
}

/// The verification tag printed in the ticket's QR code.
pub fn verify_tag(keys: &CodeKeys, number: &str, version: i32) -> String {
    keys.ticket_tag(&format!("{number}.{version}"))
}

pub fn verify_url(ctx: &Context<'_>, number: &str, version: i32) -> String {
    format!(
        "{}/verify/{number}?v={version}&sig={}",
        ctx.public_url,
        verify_tag(ctx.keys, number, version)
    )
}

pub fn status_of(conn: &mut DbConn, row: &TicketRow) -> ApiResult<TicketStatus> {
    if store::events_of(conn, row.id)?
        .iter()
        .any(|(e, _, _)| e == "voided")
    {
        Ok(TicketStatus::Voided)
    } else if store::superseded(conn, row.id)? {
        Ok(TicketStatus::Superseded)
    } else {
        Ok(TicketStatus::Issued)
    }
}

pub fn view(conn: &mut DbConn, ctx: &Context<'_>, row: TicketRow) -> ApiResult<TicketView> {
    let status = status_of(conn, &row)?;
    let current_version = match status {
        TicketStatus::Superseded => {
            store::latest_by_number(conn, &row.number)?.map(|(t, _)| t.version)
        }
        _ => None,
    };
    let (issuing_unit, officer_badge) = store::issuer_of(conn, row.unit_id, row.officer_id)?;
    let mut people: HashMap<String, Person> = store::people_of(conn, row.id)?.into_iter().collect();
    let signature = Signature {
        status: match row.signature.as_str() {
            "obtained" => SignatureStatus::Obtained,
            "refused" => SignatureStatus::Refused,
            _ => SignatureStatus::NotApplicable,
        },
        reason: row.signature_reason.clone(),
    };
    Ok(TicketView {
        id: row.id,
        verify_url: verify_url(ctx, &row.number, row.version),
        number: row.number,
        version: row.version,
        supersedes_id: row.supersedes_id,
        error_type: row.error_type,
        status,
        kind: TicketKind::parse(&row.kind).unwrap_or(TicketKind::OnTheSpot),
        unit_id: row.unit_id,
        issuing_unit,
        officer_id: row.officer_id,
        officer_badge,
        current_version,
        violation_at: row.violation_at.and_utc(),
        reported_at: row.reported_at.map(|t| t.and_utc()),
        place: row.place,
        position: row.lat.zip(row.lon).map(|(lat, lon)| Spot { lat, lon }),
        plate: row.plate,
        vehicle_class: VehicleClass::parse(&row.vehicle_class).unwrap_or(VehicleClass::Car),
        article_code: row.article_code,
        article: row.article_text,
        facts: row.facts,
        fine: row.fine,
        due_date: row.due_date,
        respond_to: row.respond_to,
        signature,
        driver: people.remove("driver"),
        owner: people.remove("owner"),
        issued_at: row.issued_at.and_utc(),
        replayed: false,
        numbers_left: None,
    })
}

/// A ticket the actor may read: officers their own, supervisors their units'.
pub fn get_readable(conn: &mut DbConn, actor: &Actor, id: i64) -> ApiResult<TicketRow> {
    let (row, unit) = store::ticket_with_unit(conn, id)?.ok_or(ApiError::NotFound("ticket"))?;
    let readable = match actor.role {
        Role::Officer => Some(row.officer_id) == actor.user_id,
        Role::Supervisor | Role::Admin => actor.reaches(&unit.path),
        _ => false,
    };
    if readable {
        Ok(row)
    } else {
        Err(ApiError::NotFound("ticket"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    /// Written twice by mistake.
    Duplicate,
    /// Written against the wrong vehicle or person before it left the station.
    WrongRecipient,
    /// The violation did not happen as written.
    NoViolation,
    Other,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidInput {
    pub reason: VoidReason,
    pub note: String,
}

/// Voids a ticket whose recipient has no copy yet. An on-the-spot ticket was
/// handed over at the scene, so it can only be corrected.
pub fn void(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: i64,
    input: &VoidInput,
) -> ApiResult<TicketView> {
    ensure_police(actor)?;
    if input.note.trim().is_empty() {
        return Err(ApiError::field("note", "required", "say why"));
    }
    write_txn(conn, |conn| {
        let row = get_readable(conn, actor, id)?;
        match status_of(conn, &row)? {
            TicketStatus::Voided => {
                return Err(ApiError::conflict(
                    "already_voided",
                    "this ticket is already void",
                ));
            }
            TicketStatus::Superseded => {
                return Err(ApiError::conflict(
                    "superseded",
                    "a correction replaced this version",
                ));
            }
            TicketStatus::Issued => {}
        }
        if row.kind == TicketKind::OnTheSpot.as_str() {
            return Err(ApiError::conflict(
                "copy_delivered",
                "the recipient has a copy: correct it instead",
            ));
        }
        let reason = serde_json::to_value(input.reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        store::insert_event(
            conn,
            id,
            "voided",
            &format!("{reason}: {}", input.note.trim()),
            actor.user_id,
            now(),
        )?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket.void", "ticket")
                .object(id)
                .unit(row.unit_id)
                .details(serde_json::json!({"reason": reason})),
        )?;
        let row = get_readable(conn, actor, id)?;
        view(conn, ctx, row)
    })
}

/// What was wrong with a corrected ticket; the error-rate statistics count these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
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

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    pub error_type: ErrorType,
    /// The ticket as it should have been (its `number` is ignored: a
    /// correction keeps the number).
    pub ticket: TicketInput,
}

/// Corrects an issued ticket with a new version that points at it.
pub fn correct(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: i64,
    input: &CorrectionInput,
) -> ApiResult<TicketView> {
    ensure_police(actor)?;
    let fingerprint = crate::idempotency::fingerprint(input);
    let mut attempt = || correct_once(conn, actor, ctx, id, input, &fingerprint);
    match attempt() {
        Err(ApiError::UniqueViolation(_)) => attempt(),
        other => other,
    }
}

fn correct_once(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    id: i64,
    input: &CorrectionInput,
    fingerprint: &str,
) -> ApiResult<TicketView> {
    write_txn(conn, |conn| {
        // Who is asking comes first: a replay must not hand another
        // officer's ticket (with the driver's ID) to whoever sends its id.
        let old = get_readable(conn, actor, id)?;
        if let Some(existing) = store::ticket_by_client_id(conn, &input.ticket.client_id)? {
            if existing.supersedes_id != Some(old.id)
                || !crate::idempotency::same_request(
                    existing.request_fingerprint.as_deref(),
                    fingerprint,
                )
            {
                return Err(ApiError::conflict(
                    "client_id_conflict",
                    "another ticket was already stored under this client id",
                ));
            }
            let mut v = view(conn, ctx, existing)?;
            v.replayed = true;
            return Ok(v);
        }
        match status_of(conn, &old)? {
            TicketStatus::Voided => {
                return Err(ApiError::conflict(
                    "already_voided",
                    "a void ticket is not corrected",
                ));
            }
            TicketStatus::Superseded => {
                return Err(ApiError::conflict(
                    "superseded",
                    "correct the latest version",
                ));
            }
            TicketStatus::Issued => {}
        }
        let (verdict, article) = issuable(conn, &input.ticket)?;
        let t = &input.ticket;
        let error_type = serde_json::to_value(input.error_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned));
        let row = content_row(
            t,
            &verdict,
            &article,
            Identity {
                number: old.number.clone(),
                serial: old.serial,
                version: old.version + 1,
                supersedes_id: Some(old.id),
                error_type: error_type.clone(),
                unit_id: old.unit_id,
                officer_id: old.officer_id,
                respond_to: old.respond_to.clone(),
                device: actor.device.clone(),
                request_fingerprint: fingerprint.to_owned(),
            },
        )?;
        let new_id = insert_with_people(conn, &row, t)?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket.correct", "ticket")
                .object(new_id)
                .unit(old.unit_id)
                .details(serde_json::json!({"supersedes": old.id, "error_type": error_type})),
        )?;
        let stored = store::ticket_with_unit(conn, new_id)?
            .ok_or(ApiError::NotFound("ticket"))?
            .0;
        view(conn, ctx, stored)
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// How many numbers, 1–200 (default 50).
    pub size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockView {
    pub id: i64,
    pub device: String,
    pub first_number: String,
    pub last_number: String,
    pub size: i64,
    pub used: i64,
    pub allotted_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlocksView {
    pub blocks: Vec<BlockView>,
    /// Unused numbers across all blocks.
    pub numbers_left: i64,
    /// True when it is time to ask for a new block.
    pub low: bool,
}

fn numbers_left(conn: &mut DbConn, officer: UserId) -> ApiResult<i64> {
    let mut left = 0;
    for (_, device, first, last, _) in store::blocks_of(conn, officer)? {
        if device != "server" {
            left += (last - first + 1) - store::used_in(conn, first, last)?;
        }
    }
    Ok(left)
}

/// Allots a block of numbers to the calling officer's device for offline work.
pub fn allot_block(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    req: &BlockRequest,
) -> ApiResult<BlocksView> {
    let officer = ensure_police(actor)?;
    let device = actor.device.clone().ok_or_else(|| {
        ApiError::bad_request(
            "device_required",
            "send X-Device-Id: a block belongs to one handheld",
        )
    })?;
    let size = req.size.unwrap_or(50);
    if !(1..=200).contains(&size) {
        return Err(ApiError::field("size", "out_of_range", "1 to 200 numbers"));
    }
    write_txn(conn, |conn| {
        let first = store::take_serials(conn, size)?;
        let last = first + size - 1;
        if last > number::MAX_SERIAL {
            return Err(ApiError::conflict(
                "numbers_exhausted",
                "the city's ticket numbers are used up",
            ));
        }
        let id = store::insert_block(conn, officer, &device, first, last, now())?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket_block.allot", "ticket_block")
                .object(id)
                .details(serde_json::json!({"first": first, "last": last})),
        )?;
        blocks(conn, actor, ctx)
    })
}

pub fn blocks(conn: &mut DbConn, actor: &Actor, ctx: &Context<'_>) -> ApiResult<BlocksView> {
    let officer = ensure_police(actor)?;
    let mut out = Vec::new();
    for (id, device, first, last, at) in store::blocks_of(conn, officer)? {
        if device == "server" {
            continue;
        }
        out.push(BlockView {
            id,
            device,
            first_number: number::format(ctx.prefix, first),
            last_number: number::format(ctx.prefix, last),
            size: last - first + 1,
            used: store::used_in(conn, first, last)?,
            allotted_at: at.and_utc(),
        });
    }
    let left = out.iter().map(|b| b.size - b.used).sum();
    Ok(BlocksView {
        blocks: out,
        numbers_left: left,
        low: left < LOW_BLOCK,
    })
}

/// What the public sees when scanning a ticket's QR code: nothing personal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    /// The signature matches a ticket this department issued.
    pub genuine: bool,
    pub number: String,
    pub version: Option<i32>,
    pub status: Option<TicketStatus>,
    /// Local date of issue.
    pub issued_on: Option<NaiveDate>,
    pub issuing_unit: Option<String>,
    pub article: Option<String>,
    pub fine: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub message: String,
}

pub fn verify(
    conn: &mut DbConn,
    keys: &CodeKeys,
    number: &str,
    version: i32,
    sig: &str,
) -> ApiResult<Verification> {
    let expected = verify_tag(keys, number, version);
    let genuine_sig = constant_eq(expected.as_bytes(), sig.as_bytes());
    let not_genuine = |message: &str| Verification {
        genuine: false,
        number: number.to_owned(),
        version: None,
        status: None,
        issued_on: None,
        issuing_unit: None,
        article: None,
        fine: None,
        due_date: None,
        message: message.to_owned(),
    };
    if !genuine_sig {
        return Ok(not_genuine(
            "這張舉發單的驗證碼不符：可能是偽造的。The verification code does not match: this ticket may be forged.",
        ));
    }
    let Some((latest, _)) = store::latest_by_number(conn, number)? else {
        return Ok(not_genuine("查無此舉發單。No ticket has this number."));
    };
    let row = if latest.version == version {
        latest
    } else {
        match store::by_number_version(conn, number, version)? {
            Some(r) => r,
            None => return Ok(not_genuine("查無此版本。No such version of this ticket.")),
        }
    };
    let (_, unit) = store::ticket_with_unit(conn, row.id)?.ok_or(ApiError::NotFound("ticket"))?;
    let status = status_of(conn, &row)?;
    let message = match status {
        TicketStatus::Issued => {
            "本舉發單為本局開立之真實單據。This ticket is genuine and in force."
        }
        TicketStatus::Voided => "本舉發單為真實單據，但已撤銷。Genuine, but voided.",
        TicketStatus::Superseded => {
            "本舉發單為真實單據，但已更正，請以更正後之單據為準。Genuine, but replaced by a correction."
        }
    };
    Ok(Verification {
        genuine: true,
        number: row.number,
        version: Some(row.version),
        status: Some(status),
        issued_on: Some(local_date(row.issued_at)),
        issuing_unit: Some(unit.name),
        article: Some(row.article_text),
        fine: Some(row.fine),
        due_date: Some(row.due_date),
        message: message.to_owned(),
    })
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
