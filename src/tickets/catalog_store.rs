//! Loading the violation catalog into the database and reading the
//! versions in force.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::catalog::{self, ArticleVersion, CatalogFile, LegalRule, TicketKind};
use super::plate::VehicleClass;
use crate::db::schema::{legal_rules, violation_articles, violation_fines};
use crate::db::{DbConn, now, write_txn};
use crate::domain::Actor;
use crate::error::{ApiError, ApiResult, FieldErrors};

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
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct LoadReport {
    /// New versions added.
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

fn versions_of(conn: &mut DbConn, code: &str) -> QueryResult<Vec<ArticleVersion>> {
    let rows: Vec<ArticleRow> = violation_articles::table
        .filter(violation_articles::code.eq(code))
        .select(ArticleRow::as_select())
        .load(conn)?;
    with_fines(conn, rows)
}

fn with_fines(conn: &mut DbConn, rows: Vec<ArticleRow>) -> QueryResult<Vec<ArticleVersion>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let fines: Vec<(i64, String, i32, i32)> = violation_fines::table
        .filter(violation_fines::article_id.eq_any(&ids))
        .select((
            violation_fines::article_id,
            violation_fines::vehicle_class,
            violation_fines::min_fine,
            violation_fines::max_fine,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ArticleVersion {
            fines: fines
                .iter()
                .filter(|f| f.0 == r.id)
                .filter_map(|f| VehicleClass::parse(&f.1).map(|c| (c, [f.2, f.3])))
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
            effective_from: r.effective_from,
            effective_to: r.effective_to,
        })
        .collect())
}

/// Loads a catalog file: new versions are added, an open version may be
/// closed by giving it an end date, and nothing else about an existing
/// version may change (the law as it stood is history).
pub fn load(conn: &mut DbConn, actor: &Actor, file: &CatalogFile) -> ApiResult<LoadReport> {
    actor.ensure_headquarters_admin()?;
    let mut errors = FieldErrors::new();
    catalog::check(file, &mut errors);
    errors.into_result(())?;
    write_txn(conn, |conn| {
        let mut report = LoadReport::default();
        let mut errors = FieldErrors::new();
        let at = now();
        for (i, a) in file.articles.iter().enumerate() {
            let existing = versions_of(conn, &a.code)?;
            if let Some(same) = existing
                .iter()
                .find(|e| e.effective_from == a.effective_from)
            {
                let reopened = ArticleVersion {
                    effective_to: same.effective_to,
                    ..a.clone()
                };
                if same == a {
                    report.unchanged += 1;
                } else if same.effective_to.is_none()
                    && a.effective_to.is_some()
                    && &reopened == same
                {
                    diesel::update(
                        violation_articles::table
                            .filter(violation_articles::code.eq(&a.code))
                            .filter(violation_articles::effective_from.eq(a.effective_from)),
                    )
                    .set(violation_articles::effective_to.eq(a.effective_to))
                    .execute(conn)?;
                    report.closed += 1;
                } else {
                    errors.add(
                        format!("articles[{i}]"),
                        "rewrites_history",
                        "a loaded version is never changed; add a new version instead",
                    );
                }
                continue;
            }
            if existing.iter().any(|e| {
                a.effective_from <= e.effective_to.unwrap_or(NaiveDate::MAX)
                    && e.effective_from <= a.effective_to.unwrap_or(NaiveDate::MAX)
            }) {
                errors.add(
                    format!("articles[{i}].effective_from"),
                    "overlap",
                    "overlaps a loaded version; close that one first",
                );
                continue;
            }
            let kinds: Vec<&str> = a.ticket_kinds.iter().map(|k| k.as_str()).collect();
            let id: i64 = diesel::insert_into(violation_articles::table)
                .values((
                    violation_articles::code.eq(&a.code),
                    violation_articles::article.eq(&a.article),
                    violation_articles::description.eq(&a.description),
                    violation_articles::major.eq(&a.major),
                    violation_articles::ticket_kinds.eq(kinds.join(",")),
                    violation_articles::effective_from.eq(a.effective_from),
                    violation_articles::effective_to.eq(a.effective_to),
                    violation_articles::created_at.eq(at),
                ))
                .returning(violation_articles::id)
                .get_result(conn)?;
            for (class, [min, max]) in &a.fines {
                diesel::insert_into(violation_fines::table)
                    .values((
                        violation_fines::article_id.eq(id),
                        violation_fines::vehicle_class.eq(class.as_str()),
                        violation_fines::min_fine.eq(min),
                        violation_fines::max_fine.eq(max),
                    ))
                    .execute(conn)?;
            }
            report.added += 1;
        }
        for (i, r) in file.rules.iter().enumerate() {
            let existing: Vec<(i32, String, Option<NaiveDate>)> = legal_rules::table
                .filter(legal_rules::key.eq(&r.key))
                .filter(legal_rules::effective_from.eq(r.effective_from))
                .select((
                    legal_rules::value,
                    legal_rules::basis,
                    legal_rules::effective_to,
                ))
                .load(conn)?;
            match existing.first() {
                Some((v, b, to)) if *v == r.value && *b == r.basis && *to == r.effective_to => {
                    report.unchanged += 1
                }
                Some((v, b, None))
                    if *v == r.value && *b == r.basis && r.effective_to.is_some() =>
                {
                    diesel::update(
                        legal_rules::table
                            .filter(legal_rules::key.eq(&r.key))
                            .filter(legal_rules::effective_from.eq(r.effective_from)),
                    )
                    .set(legal_rules::effective_to.eq(r.effective_to))
                    .execute(conn)?;
                    report.closed += 1;
                }
                Some(_) => errors.add(
                    format!("rules[{i}]"),
                    "rewrites_history",
                    "a loaded rule is never changed; add a new version instead",
                ),
                None => {
                    diesel::insert_into(legal_rules::table)
                        .values((
                            legal_rules::key.eq(&r.key),
                            legal_rules::value.eq(r.value),
                            legal_rules::basis.eq(&r.basis),
                            legal_rules::effective_from.eq(r.effective_from),
                            legal_rules::effective_to.eq(r.effective_to),
                            legal_rules::created_at.eq(at),
                        ))
                        .execute(conn)?;
                    report.added += 1;
                }
            }
        }
        errors.into_result(())?;
        crate::audit::append(
            conn,
            actor
                .audit("catalog.load", "violation_catalog")
                .details(serde_json::json!({"source": file.source, "added": report.added, "closed": report.closed})),
        )?;
        Ok(report)
    })
}

/// Loads the bundled catalog into a database that has none yet.
pub fn ensure_loaded(conn: &mut DbConn) -> ApiResult<()> {
    let count: i64 = violation_articles::table.count().get_result(conn)?;
    if count == 0 {
        let file: CatalogFile = serde_json::from_str(catalog::BUNDLED)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("bundled catalog: {e}")))?;
        let report = load(conn, &Actor::system(), &file)?;
        tracing::info!(added = report.added, "violation catalog loaded");
    }
    Ok(())
}

/// The articles in force on a date, optionally for one vehicle class and
/// ticket kind, in code order.
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
        .order(violation_articles::code.asc())
        .select(ArticleRow::as_select())
        .load(conn)?;
    Ok(with_fines(conn, rows)?
        .into_iter()
        .filter(|a| q.vehicle_class.is_none_or(|c| a.fines.contains_key(&c)))
        .filter(|a| q.ticket_kind.is_none_or(|k| a.ticket_kinds.contains(&k)))
        .collect())
}

/// The legal timing rules in force on a date.
pub fn rules_on(conn: &mut DbConn, on: NaiveDate) -> ApiResult<Vec<LegalRule>> {
    let rows: Vec<(String, i32, String, NaiveDate, Option<NaiveDate>)> = legal_rules::table
        .filter(legal_rules::effective_from.le(on))
        .filter(
            legal_rules::effective_to
                .is_null()
                .or(legal_rules::effective_to.ge(on)),
        )
        .order(legal_rules::key.asc())
        .select((
            legal_rules::key,
            legal_rules::value,
            legal_rules::basis,
            legal_rules::effective_from,
            legal_rules::effective_to,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(key, value, basis, effective_from, effective_to)| LegalRule {
                key,
                value,
                basis,
                effective_from,
                effective_to,
            },
        )
        .collect())
}
