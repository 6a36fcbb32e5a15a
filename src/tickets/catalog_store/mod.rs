//! Loading the violation catalog into the database and reading the
//! versions in force. A loaded version is never rewritten: an amendment
//! closes it (an end date) and adds the next one. Versions withdrawn as
//! demonstration data stay, and are never read as law.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::catalog::{
    ArticleVersion, Fine, LegalRule, ListedCode, Notice, RepeatGroup, ReportingList, Status,
    TicketKind, reporting,
};
use super::plate::VehicleClass;
use crate::db::schema::{
    catalog_editions, citizen_report_lists, legal_rules, violation_articles, violation_fines,
};
use crate::db::{DbConn, LiteralLimitDsl};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = violation_articles)]
struct ArticleRow {
    id: i64,
    code: String,
    article: String,
    description: String,
    major: Option<String>,
    ticket_kinds: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    amendment: String,
    status: String,
    cites: String,
    note: Option<String>,
    repeat_group: Option<String>,
    speed_from: Option<i32>,
    speed_to: Option<i32>,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct LoadReport {
    /// New versions (articles, citizen-report lists, rules) added.
    pub added: usize,
    /// Versions given an end date (an amendment took over).
    pub closed: usize,
    pub unchanged: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// The date the law is wanted for (default: today, Taiwan time).
    pub on: Option<NaiveDate>,
    pub vehicle_class: Option<VehicleClass>,
    pub ticket_kind: Option<TicketKind>,
}

fn json<T: Serialize>(v: &T) -> ApiResult<String> {
    serde_json::to_string(v).map_err(|e| ApiError::Internal(e.into()))
}

/// A column written by `json`; a damaged one reads as empty rather than
/// failing every request that touches the catalog.
fn parsed<T: for<'de> Deserialize<'de> + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

fn not_withdrawn() -> diesel::dsl::NotEq<violation_articles::status, &'static str> {
    violation_articles::status.ne(Status::Withdrawn.as_str())
}

fn versions_of(conn: &mut DbConn, code: &str) -> QueryResult<Vec<ArticleVersion>> {
    let rows: Vec<ArticleRow> = violation_articles::table
        .filter(violation_articles::code.eq(code))
        .filter(not_withdrawn())
        .select(ArticleRow::as_select())
        .load(conn)?;
    with_fines(conn, rows)
}

fn with_fines(conn: &mut DbConn, rows: Vec<ArticleRow>) -> QueryResult<Vec<ArticleVersion>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let fines: Vec<(i64, String, i32, i32, Option<String>)> = violation_fines::table
        .filter(violation_fines::article_id.eq_any(&ids))
        .select((
            violation_fines::article_id,
            violation_fines::vehicle_class,
            violation_fines::min_fine,
            violation_fines::max_fine,
            violation_fines::schedule,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ArticleVersion {
            fines: fines
                .iter()
                .filter(|f| f.0 == r.id)
                .filter_map(|f| {
                    VehicleClass::parse(&f.1).map(|c| {
                        let schedule = f.4.as_deref().and_then(|s| serde_json::from_str(s).ok());
                        (
                            c,
                            Fine {
                                range: [f.2, f.3],
                                schedule,
                            },
                        )
                    })
                })
                .collect::<BTreeMap<_, _>>(),
            code: r.code,
            article: r.article,
            description: r.description,
            major: r.major,
            ticket_kinds: r
                .ticket_kinds
                .split(',')
                .filter_map(TicketKind::parse)
                .collect(),
            repeat_group: r.repeat_group.as_deref().and_then(RepeatGroup::parse),
            speed_over: r.speed_from.map(|from| (from, r.speed_to)),
            effective_from: r.effective_from,
            effective_to: r.effective_to,
            amendment: r.amendment,
            status: Status::parse(&r.status).unwrap_or(Status::Unconfirmed),
            cites: parsed(&r.cites),
            note: r.note,
            citizen_reporting: None,
        })
        .collect())
}

/// (from, to, amendment, cites, codes, note) of a stored list.
type ListRow = (
    NaiveDate,
    Option<NaiveDate>,
    String,
    String,
    String,
    Option<String>,
);

fn lists(conn: &mut DbConn) -> QueryResult<Vec<ReportingList>> {
    let rows: Vec<ListRow> = citizen_report_lists::table
        .order(citizen_report_lists::effective_from.asc())
        .select((
            citizen_report_lists::effective_from,
            citizen_report_lists::effective_to,
            citizen_report_lists::amendment,
            citizen_report_lists::cites,
            citizen_report_lists::codes,
            citizen_report_lists::note,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(effective_from, effective_to, amendment, cites, codes, note)| ReportingList {
                effective_from,
                effective_to,
                amendment,
                cites: parsed(&cites),
                codes: parsed::<Vec<ListedCode>>(&codes),
                note,
            },
        )
        .collect())
}

type RuleRow = (
    String,
    i32,
    String,
    NaiveDate,
    Option<NaiveDate>,
    String,
    String,
    Option<String>,
);

fn rule_of(
    (key, value, basis, effective_from, effective_to, status, cites, note): RuleRow,
) -> LegalRule {
    LegalRule {
        key,
        value,
        basis,
        effective_from,
        effective_to,
        status: Status::parse(&status).unwrap_or(Status::Unconfirmed),
        cites: parsed(&cites),
        note,
    }
}

macro_rules! rule_columns {
    () => {
        (
            legal_rules::key,
            legal_rules::value,
            legal_rules::basis,
            legal_rules::effective_from,
            legal_rules::effective_to,
            legal_rules::status,
            legal_rules::cites,
            legal_rules::note,
        )
    };
}

/// The §7-1 list in force on a day.
pub fn list_on(conn: &mut DbConn, on: NaiveDate) -> QueryResult<Option<ReportingList>> {
    Ok(reporting::list_on(&lists(conn)?, on).cloned())
}

/// The articles in force on a date, optionally for one vehicle class and
/// ticket kind, in code order, each marked reportable by citizens when it
/// is on the §7-1 list of that date.
pub fn articles_on(
    conn: &mut DbConn,
    q: &ArticleQuery,
    today: NaiveDate,
) -> ApiResult<Vec<ArticleVersion>> {
    let on = q.on.unwrap_or(today);
    let rows: Vec<ArticleRow> = violation_articles::table
        .filter(violation_articles::effective_from.le(on))
        .filter(
            violation_articles::effective_to
                .is_null()
                .or(violation_articles::effective_to.ge(on)),
        )
        .filter(not_withdrawn())
        .order(violation_articles::code.asc())
        .select(ArticleRow::as_select())
        .load(conn)?;
    let list = list_on(conn, on)?;
    Ok(with_fines(conn, rows)?
        .into_iter()
        .map(|mut a| {
            a.citizen_reporting = list.as_ref().and_then(|l| reporting::listing(l, &a.code));
            if a.citizen_reporting.is_some() {
                a.ticket_kinds.push(TicketKind::CitizenReport);
            }
            a
        })
        .filter(|a| q.vehicle_class.is_none_or(|c| a.fines.contains_key(&c)))
        .filter(|a| q.ticket_kind.is_none_or(|k| a.ticket_kinds.contains(&k)))
        .collect())
}

/// The legal timing rules in force on a date.
pub fn rules_on(conn: &mut DbConn, on: NaiveDate) -> ApiResult<Vec<LegalRule>> {
    Ok(legal_rules::table
        .filter(legal_rules::effective_from.le(on))
        .filter(
            legal_rules::effective_to
                .is_null()
                .or(legal_rules::effective_to.ge(on)),
        )
        .filter(legal_rules::status.ne(Status::Withdrawn.as_str()))
        .order(legal_rules::key.asc())
        .select(rule_columns!())
        .load::<RuleRow>(conn)?
        .into_iter()
        .map(rule_of)
        .collect())
}

/// Everything loaded, for the legal office: every version (withdrawn ones
/// too), every list and rule, and the last edition's sources and notices.
pub fn everything(conn: &mut DbConn) -> ApiResult<super::catalog::report::Loaded> {
    let rows: Vec<ArticleRow> = violation_articles::table
        .order((
            violation_articles::code.asc(),
            violation_articles::effective_from.asc(),
        ))
        .select(ArticleRow::as_select())
        .load(conn)?;
    let articles = with_fines(conn, rows)?;
    let rules = legal_rules::table
        .order((legal_rules::key.asc(), legal_rules::effective_from.asc()))
        .select(rule_columns!())
        .load::<RuleRow>(conn)?
        .into_iter()
        .map(rule_of)
        .collect();
    let last: Option<(String, String, String, String)> = catalog_editions::table
        .order(catalog_editions::id.desc())
        .select((
            catalog_editions::edition,
            catalog_editions::note,
            catalog_editions::sources,
            catalog_editions::notices,
        ))
        .first_row(conn)
        .optional()?;
    let (edition, note, sources, notices) = last.unwrap_or_default();
    Ok(super::catalog::report::Loaded {
        edition,
        note,
        sources: parsed(&sources),
        notices: parsed::<Vec<Notice>>(&notices),
        articles,
        citizen_reporting: lists(conn)?,
        rules,
    })
}

// After `rule_columns!`, which loading uses too.
mod load;

pub use load::{ensure_loaded, load};
