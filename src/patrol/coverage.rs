//! The coverage audit: for a unit and a period, what was planned, what was
//! visited on time or late, what was missed, what was flagged; per box and
//! per officer.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::checkin::{CheckinKind, schedule_of};
use super::plans::{PeriodQuery, check_period};
use super::schedule::{Tally, Visit, judge, local_to_utc};
use super::store;
use crate::db::DbConn;
use crate::domain::{Actor, BoxId, PlanId, Role, UnitId, UserId};
use crate::error::{ApiError, ApiResult};
use crate::org::users::UnitBrief;

pub use crate::report_format::ReportFormat;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    pub unit_id: i64,
    /// First local date, e.g. 2026-11-01.
    pub from: NaiveDate,
    /// Last local date, inclusive.
    pub to: NaiveDate,
    /// Earlier clients' way to ask for CSV or PDF; the `.csv` and `.pdf`
    /// operations are the documented ones, each with its content type.
    #[serde(default)]
    #[param(ignore)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverageLine {
    pub id: i64,
    /// Box code or officer badge.
    pub code: String,
    pub name: String,
    pub expected: i64,
    pub on_time: i64,
    pub late: i64,
    pub missed: i64,
    pub flagged: i64,
    /// (on time + late) ÷ expected, percent, one decimal.
    pub coverage_pct: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Miss {
    pub plan_id: PlanId,
    pub box_id: BoxId,
    pub box_code: String,
    pub officer_id: UserId,
    pub badge: String,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// Visits owed and not made.
    pub missing: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageReport {
    pub unit: UnitBrief,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub totals: CoverageLine,
    pub by_box: Vec<CoverageLine>,
    pub by_officer: Vec<CoverageLine>,
    pub misses: Vec<Miss>,
}

fn line(id: i64, code: String, name: String, t: Tally) -> CoverageLine {
    CoverageLine {
        id,
        code,
        name,
        expected: t.expected,
        on_time: t.on_time,
        late: t.late,
        missed: t.missed,
        flagged: t.flagged,
        coverage_pct: t.coverage_pct(),
    }
}

pub fn report(
    conn: &mut DbConn,
    actor: &Actor,
    unit_id: UnitId,
    period: &PeriodQuery,
) -> ApiResult<CoverageReport> {
    if !matches!(actor.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    check_period(period)?;
    let unit = match crate::org::directory::unit_by_id(conn, unit_id)? {
        Some(u) if actor.reaches(&u.path) => u,
        _ => return Err(ApiError::NotFound("unit")),
    };

    let Gathered {
        plans,
        officers_of,
        boxes_of,
        all_boxes,
        visits,
    } = gather(conn, &unit.path, period.from, period.to)?;

    // Judge every window.
    let mut by_box: BTreeMap<BoxId, Tally> = BTreeMap::new();
    let mut by_officer: BTreeMap<UserId, Tally> = BTreeMap::new();
    let mut totals = Tally::default();
    let mut misses_raw = Vec::new();
    let judged_until = crate::db::now();
    for plan in &plans {
        let schedule = schedule_of(plan);
        let grace = Duration::minutes(plan.grace_minutes.into());
        // A window still open (or in its grace period) is not judged yet.
        let closed = schedule
            .windows(period.from, period.to)
            .into_iter()
            .filter(|w| w.end + grace <= judged_until);
        for window in closed {
            for officer in officers_of.get(&plan.id).into_iter().flatten() {
                for b in boxes_of.get(&plan.id).into_iter().flatten() {
                    let list = visits
                        .get(&(*officer, *b))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let lo = list.partition_point(|v| v.at < window.start);
                    let hi = list.partition_point(|v| v.at <= window.end + grace);
                    let t = judge(
                        window,
                        plan.grace_minutes,
                        plan.visits_per_window,
                        list.get(lo..hi).unwrap_or_default(),
                    );
                    *by_box.entry(*b).or_default() += t;
                    *by_officer.entry(*officer).or_default() += t;
                    totals += t;
                    if t.missed > 0 {
                        misses_raw.push((plan.id, *b, *officer, window, t.missed));
                    }
                }
            }
        }
    }

    // Names.
    let officer_ids: Vec<UserId> = by_officer.keys().copied().collect();
    let (boxes, badges) = names(conn, &all_boxes, &officer_ids)?;
    Ok(CoverageReport {
        unit: UnitBrief {
            id: unit.id,
            code: unit.code.clone(),
            name: unit.name.clone(),
        },
        from: period.from,
        to: period.to,
        totals: line(unit.id.0, unit.code, unit.name, totals),
        by_box: by_box
            .into_iter()
            .map(|(id, t)| {
                let (code, name) = named(&boxes, id);
                line(id.0, code, name, t)
            })
            .collect(),
        by_officer: by_officer
            .into_iter()
            .map(|(id, t)| {
                let (code, name) = named(&badges, id);
                line(id.0, code, name, t)
            })
            .collect(),
        misses: misses_raw
            .into_iter()
            .map(|(plan_id, b, officer, w, missing)| Miss {
                plan_id,
                box_id: b,
                box_code: named(&boxes, b).0,
                officer_id: officer,
                badge: named(&badges, officer).0,
                window_start: w.start.and_utc(),
                window_end: w.end.and_utc(),
                missing,
            })
            .collect(),
    })
}

/// What a period's audit reads: the plans in force, their officers and
/// boxes, and the visits made at those boxes (over the period and the
/// longest grace after it), each list in time order.
pub(super) struct Gathered {
    pub plans: Vec<store::PlanRow>,
    pub officers_of: HashMap<PlanId, Vec<UserId>>,
    pub boxes_of: HashMap<PlanId, Vec<BoxId>>,
    pub all_boxes: Vec<BoxId>,
    pub visits: HashMap<(UserId, BoxId), Vec<Visit>>,
}

pub(super) fn gather(
    conn: &mut DbConn,
    unit_path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Gathered> {
    // What was expected.
    let plans = store::plans_between(conn, unit_path, from, to)?;
    let plan_ids: Vec<PlanId> = plans.iter().map(|p| p.id).collect();
    let (plan_officers, plan_boxes) = store::plan_members(conn, &plan_ids)?;
    let mut officers_of: HashMap<PlanId, Vec<UserId>> = HashMap::new();
    for (p, u) in plan_officers {
        officers_of.entry(p).or_default().push(u);
    }
    let mut boxes_of: HashMap<PlanId, Vec<BoxId>> = HashMap::new();
    for (p, b) in plan_boxes {
        boxes_of.entry(p).or_default().push(b);
    }
    let mut all_boxes: Vec<BoxId> = boxes_of.values().flatten().copied().collect();
    all_boxes.sort();
    all_boxes.dedup();

    // What happened, over the whole period plus the longest grace.
    let first = local_to_utc(from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let last = local_to_utc(to.and_hms_opt(0, 0, 0).unwrap_or_default()) + Duration::days(2);
    let rows = store::visits_at_boxes(conn, &all_boxes, first, last)?;
    // A flagged check-in counts once a supervisor has cleared it.
    let flagged: Vec<_> = rows
        .iter()
        .filter(|r| r.5 != "accepted")
        .map(|r| r.0)
        .collect();
    let reviews = store::latest_reviews(conn, &flagged)?;
    let mut visits: HashMap<(UserId, BoxId), Vec<Visit>> = HashMap::new();
    for (id, officer, b, at, kind, status) in rows {
        if CheckinKind::parse(&kind).is_some_and(CheckinKind::counts_as_visit) {
            let cleared = reviews.get(&id).is_some_and(|r| r.decision == "accept");
            visits.entry((officer, b)).or_default().push(Visit {
                at,
                valid: status == "accepted" || cleared,
            });
        }
    }
    for list in visits.values_mut() {
        list.sort_by_key(|v| v.at);
    }

    Ok(Gathered {
        plans,
        officers_of,
        boxes_of,
        all_boxes,
        visits,
    })
}

/// Boxes by (code, name) and officers by (badge, name): how every patrol
/// report names them.
pub(super) type BoxNames = HashMap<BoxId, (String, String)>;
pub(super) type OfficerNames = HashMap<UserId, (String, String)>;

pub(super) fn names(
    conn: &mut DbConn,
    boxes: &[BoxId],
    officers: &[UserId],
) -> ApiResult<(BoxNames, OfficerNames)> {
    Ok((
        store::boxes_by_ids(conn, boxes)?
            .into_iter()
            .map(|b| (b.id, (b.code, b.name)))
            .collect(),
        store::badges(conn, officers)?
            .into_iter()
            .map(|(id, badge, name)| (id, (badge, name)))
            .collect(),
    ))
}

fn named<K: std::hash::Hash + Eq>(
    names: &HashMap<K, (String, String)>,
    key: K,
) -> (String, String) {
    names.get(&key).cloned().unwrap_or_default()
}

/// The report as CSV (UTF-8 with a byte-order mark, so spreadsheet programs
/// show the Chinese names): one line per box, per officer, and per miss.
pub fn to_csv(report: &CoverageReport) -> ApiResult<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header = [
            "section",
            "id",
            "code",
            "name",
            "expected",
            "on_time",
            "late",
            "missed",
            "flagged",
            "coverage_pct",
            "window_start",
            "window_end",
            "officer_badge",
        ];
        let io = |e: csv::Error| ApiError::Internal(anyhow::Error::new(e));
        w.write_record(header).map_err(io)?;
        let lines = std::iter::once(("unit", &report.totals))
            .chain(report.by_box.iter().map(|l| ("box", l)))
            .chain(report.by_officer.iter().map(|l| ("officer", l)));
        for (section, l) in lines {
            w.write_record([
                section.to_owned(),
                l.id.to_string(),
                l.code.clone(),
                l.name.clone(),
                l.expected.to_string(),
                l.on_time.to_string(),
                l.late.to_string(),
                l.missed.to_string(),
                l.flagged.to_string(),
                format!("{:.1}", l.coverage_pct),
                String::new(),
                String::new(),
                String::new(),
            ])
            .map_err(io)?;
        }
        for m in &report.misses {
            w.write_record([
                "miss".to_owned(),
                m.box_id.to_string(),
                m.box_code.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                m.missing.to_string(),
                String::new(),
                String::new(),
                m.window_start.to_rfc3339(),
                m.window_end.to_rfc3339(),
                m.badge.clone(),
            ])
            .map_err(io)?;
        }
        w.flush()
            .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    }
    Ok(out)
}
