//! A year of a city's tickets for benchmarks (`epatrol generate tickets`):
//! written in bulk (not through the rules: this is load, not evidence),
//! spread over the demo city's stations and police accounts, with the few
//! corrections and voids a city sees, and behind each camera or citizen
//! ticket the case it was made from (received, keyed by the first vendor,
//! ticketed), one in twenty with a near miss, and one on-the-spot ticket in
//! fifty with a mistake its check caught. The run itself is audited.

use crate::db::LiteralLimitDsl;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::{Rng, SeedableRng};

use super::article_counts::ArticleKey;
use super::catalog::TicketKind;
use super::counts::CountKey;
use super::input::SignatureStatus;
use super::model::ErrorType;
use super::numbering;
use super::plate::VehicleClass;
use crate::cases::turnaround_counts::Ticketed;
use crate::db::schema::{cases, tickets, units, users, vendors};
use crate::db::{DbConn, now, write_txn};
use crate::domain::time::from_taiwan;
use crate::domain::{Actor, Role, TicketId, UnitId, UserId};
use crate::error::{ApiError, ApiResult};

/// Rows per INSERT: 28 columns stay under SQLite's 32766 bind limit.
const CHUNK: usize = 1000;

#[derive(Insertable)]
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
struct Generated {
    number: String,
    serial: i64,
    version: i32,
    supersedes_id: Option<TicketId>,
    error_type: Option<ErrorType>,
    client_id: String,
    kind: TicketKind,
    unit_id: UnitId,
    officer_id: UserId,
    device: Option<String>,
    violation_at: NaiveDateTime,
    reported_at: Option<NaiveDateTime>,
    place: String,
    lat: Option<f64>,
    lon: Option<f64>,
    plate: String,
    vehicle_class: VehicleClass,
    article_code: String,
    article_text: String,
    facts: String,
    fine: i32,
    due_date: NaiveDate,
    respond_to: String,
    signature: SignatureStatus,
    signature_reason: Option<String>,
    warnings_acknowledged: String,
    issued_at: NaiveDateTime,
    request_fingerprint: Option<String>,
}

/// Codes of the bundled catalog, with the text a ticket prints.
const ARTICLES: [(&str, &str, i32); 6] = [
    (
        "53-1",
        "第53條第1項 汽車駕駛人行經有燈光號誌管制之交岔路口闖紅燈",
        2700,
    ),
    (
        "40",
        "第40條 行車速度超過規定之最高時速（未逾四十公里）",
        1600,
    ),
    (
        "56-1-4",
        "第56條第1項第4款 在設有禁止停車標誌、標線之處所停車",
        900,
    ),
    (
        "48-1-2",
        "第48條第1項第2款 轉彎或變換車道時，不依標誌、標線、號誌指示",
        900,
    ),
    (
        "45-1-13",
        "第45條第1項第13款 爭道行駛，機車不在規定車道行駛（含行駛禁行機車道）",
        900,
    ),
    (
        "35-1-1",
        "第35條第1項第1款 駕駛汽機車經測試檢定酒精濃度超過規定標準",
        30000,
    ),
];

/// Writes `count` tickets issued in `year` (Taiwan time); returns how many.
pub fn tickets(
    conn: &mut DbConn,
    prefix: &str,
    count: u32,
    year: i32,
    progress: &dyn Fn(u64, u64),
) -> ApiResult<u64> {
    let start = from_taiwan(
        NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| ApiError::bad_request("bad_year", "no such year"))?,
    );
    tickets_from(conn, prefix, count, start, progress)
}

/// Writes `count` tickets issued in the 365 days from `start` (UTC), none
/// after now; returns how many.
pub fn tickets_from(
    conn: &mut DbConn,
    prefix: &str,
    count: u32,
    start: NaiveDateTime,
    progress: &dyn Fn(u64, u64),
) -> ApiResult<u64> {
    let stations: Vec<UnitId> = units::table
        .filter(units::kind.eq("station"))
        .select(units::id)
        .load(conn)?;
    let police: Vec<UserId> = users::table
        .filter(users::role.eq_any([Role::Officer, Role::Supervisor]))
        .select(users::id)
        .load(conn)?;
    if stations.is_empty() || police.is_empty() {
        return Err(ApiError::bad_request(
            "no_stations",
            "seed the demo city first (epatrol seed demo)",
        ));
    }
    let vendor: Option<i64> = vendors::table
        .select(vendors::id)
        .order(vendors::id)
        .first_row(conn)
        .optional()?;
    let seconds = 365 * 86_400;
    let first = write_txn(conn, |c| {
        Ok::<_, ApiError>(super::store::take_serials(c, i64::from(count))?)
    })?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    let issued_now = now();
    let total = u64::from(count);
    let mut done = 0u64;
    let mut corrections = Vec::new();
    let mut voids = Vec::new();
    while done < total {
        let n = (total - done).min(CHUNK as u64);
        let mut rows = Vec::with_capacity(n as usize);
        for i in 0..n {
            let serial = first + (done + i) as i64;
            // Issued within the year; camera cases and reports some days
            // after the violation.
            let issued_at = (start + Duration::seconds(rng.gen_range(0..seconds))).min(issued_now);
            let kind = match rng.gen_range(0..10) {
                0..=3 => TicketKind::OnTheSpot,
                4..=8 => TicketKind::Camera,
                _ => TicketKind::CitizenReport,
            };
            let (code, text, fine) = ARTICLES
                .get(rng.gen_range(0..ARTICLES.len()))
                .copied()
                .unwrap_or(ARTICLES[0]);
            let unit = stations
                .get(rng.gen_range(0..stations.len()))
                .copied()
                .unwrap_or(UnitId(1));
            let officer = police
                .get(rng.gen_range(0..police.len()))
                .copied()
                .unwrap_or(UserId(1));
            let letters: String = (0..3)
                .map(|_| char::from(b'A' + rng.gen_range(0..26u8)))
                .collect();
            let delay = if kind == TicketKind::OnTheSpot {
                Duration::minutes(rng.gen_range(0..30))
            } else {
                Duration::days(rng.gen_range(3..20))
            };
            let at = issued_at - delay;
            rows.push(Generated {
                number: numbering::format(prefix, serial),
                serial,
                version: 1,
                supersedes_id: None,
                error_type: None,
                client_id: format!("gen-{serial:012}"),
                kind,
                unit_id: unit,
                officer_id: officer,
                device: None,
                violation_at: at,
                reported_at: (kind == TicketKind::CitizenReport).then_some(at + Duration::days(1)),
                place: "臺南市東區東門路一段".into(),
                lat: None,
                lon: None,
                plate: format!("{letters}-{:04}", rng.gen_range(0..10_000)),
                vehicle_class: VehicleClass::Car,
                article_code: code.into(),
                article_text: text.into(),
                facts: text.into(),
                fine,
                due_date: at.date() + Duration::days(45),
                respond_to: "臺南市政府警察局".into(),
                signature: if kind == TicketKind::OnTheSpot {
                    SignatureStatus::Obtained
                } else {
                    SignatureStatus::NotApplicable
                },
                signature_reason: None,
                warnings_acknowledged: String::new(),
                issued_at,
                request_fingerprint: None,
            });
            // About one in a thousand is found wrong: corrected or voided.
            match rng.gen_range(0..10_000) {
                0..=5 => corrections.push(serial),
                6..=9 => voids.push(serial),
                _ => {}
            }
        }
        let mut counts: std::collections::HashMap<CountKey, i64> = Default::default();
        for r in &rows {
            // Camera and citizen tickets come from a case of the vendor's
            // (`cases_behind`), and are counted as the vendor's.
            let by = (r.kind != TicketKind::OnTheSpot)
                .then_some(vendor)
                .flatten()
                .map(crate::domain::VendorId);
            let key = CountKey::new(r.issued_at, r.unit_id, r.kind, r.officer_id, by, None);
            *counts.entry(key).or_default() += 1;
        }
        let mut articles: std::collections::HashMap<ArticleKey, i64> = Default::default();
        for r in &rows {
            *articles
                .entry(ArticleKey::new(r.violation_at, r.unit_id, &r.article_code))
                .or_default() += 1;
        }
        let serials = (first + done as i64, first + (done + n) as i64 - 1);
        write_txn(conn, |c| {
            crate::each_backend!(c, |b| diesel::insert_into(tickets::table)
                .values(&rows)
                .execute(b))?;
            for (key, n) in &counts {
                super::counts::add(c, key, *n)?;
            }
            super::article_counts::add(c, &articles)?;
            cases_behind(c, serials, vendor)?;
            Ok::<_, ApiError>(())
        })?;
        done += n;
        progress(done, total);
    }
    write_txn(conn, |c| {
        // A generated correction keeps the article and the date, so the
        // article counts do not move.
        for serial in &corrections {
            let id: TicketId = tickets::table
                .filter(tickets::serial.eq(serial))
                .select(tickets::id)
                .first_row(c)?;
            diesel::sql_query(
                "INSERT INTO tickets (number, serial, version, supersedes_id, error_type, client_id, kind, unit_id, officer_id, device, violation_at, reported_at, place, lat, lon, plate, vehicle_class, article_code, article_text, facts, fine, due_date, respond_to, signature, signature_reason, warnings_acknowledged, issued_at, request_fingerprint) \
                 SELECT number, serial, 2, id, 'plate', client_id || '-fix', kind, unit_id, officer_id, device, violation_at, reported_at, place, lat, lon, plate, vehicle_class, article_code, article_text, facts, fine, due_date, respond_to, signature, signature_reason, warnings_acknowledged, issued_at, request_fingerprint FROM tickets WHERE id = ".to_owned() + &id.0.to_string(),
            )
            .execute(c)?;
        }
        for serial in &voids {
            let id: TicketId = tickets::table
                .filter(tickets::serial.eq(serial))
                .select(tickets::id)
                .first_row(c)?;
            super::store::insert_event(c, id, "voided", "duplicate: generated", None, issued_now)?;
            let key = ArticleKey::of_ticket(c, id)?;
            super::article_counts::voided(c, key)?;
        }
        crate::audit::append(
            c,
            Actor::system()
                .audit("generate.tickets", "ticket")
                .details(serde_json::json!({"count": count, "from": start.to_string()})),
        )?;
        Ok::<_, ApiError>(())
    })?;
    // The planner learns what the bulk load made, as a database that grew
    // by use would have let it.
    diesel::sql_query("ANALYZE").execute(conn)?;
    Ok(total)
}

/// The cases behind the camera and citizen tickets of serials
/// `first..=last`: received when reported (camera cases on the day),
/// ticketed and counted (`cases::turnaround_counts`); one in twenty with
/// a mistake caught before issue. The values in the SQL are numbers of our
/// own making.
fn cases_behind(c: &mut DbConn, (first, last): (i64, i64), vendor: Option<i64>) -> ApiResult<()> {
    let vendor = vendor.map_or("NULL".to_owned(), |v| v.to_string());
    let before: Option<i64> = cases::table
        .select(diesel::dsl::max(cases::id))
        .get_result(c)?;
    let before = before.unwrap_or(0);
    diesel::sql_query(format!(
        "INSERT INTO cases (client_id, request_fingerprint, source, unit_id, vendor_id, \
         violation_at, received_at, place, deadline, status, ticket_id, created_at, updated_at) \
         SELECT 'gen-case-' || t.serial, '', t.kind, t.unit_id, {vendor}, t.violation_at, \
         COALESCE(t.reported_at, t.violation_at), t.place, t.due_date, 'ticketed', t.id, \
         t.issued_at, t.issued_at FROM tickets t \
         WHERE t.serial >= {first} AND t.serial <= {last} AND t.version = 1 \
         AND t.kind <> 'on_the_spot'"
    ))
    .execute(c)?;
    let ticketed: Vec<Ticketed> = cases::table
        .inner_join(tickets::table)
        .filter(cases::id.gt(before))
        .select((
            cases::unit_id,
            cases::source,
            cases::vendor_id,
            cases::violation_at,
            cases::received_at,
            tickets::issued_at,
        ))
        .load(c)?;
    crate::cases::turnaround_counts::add(c, &ticketed)?;
    diesel::sql_query(format!(
        "INSERT INTO near_misses (case_id, unit_id, vendor_id, user_id, caught_by, field, code, at) \
         SELECT k.id, k.unit_id, k.vendor_id, NULL, \
         CASE (k.id / 20) % 3 WHEN 0 THEN 'registry' WHEN 1 THEN 'validation' ELSE 'verification' END, \
         CASE (k.id / 20) % 2 WHEN 0 THEN 'plate' ELSE 'vehicle_class' END, 'generated', k.received_at \
         FROM cases k WHERE k.id > {before} AND k.id % 20 = 0"
    ))
    .execute(c)?;
    // One on-the-spot ticket in fifty had a mistake the check caught.
    diesel::sql_query(format!(
        "INSERT INTO ticket_near_misses (client_id, officer_id, unit_id, field, code, at) \
         SELECT 'gen-' || t.serial, t.officer_id, t.unit_id, \
         CASE (t.serial / 50) % 2 WHEN 0 THEN 'plate' ELSE 'fine' END, 'generated', t.issued_at \
         FROM tickets t WHERE t.serial >= {first} AND t.serial <= {last} AND t.version = 1 \
         AND t.kind = 'on_the_spot' AND t.serial % 50 = 0"
    ))
    .execute(c)?;
    Ok(())
}
