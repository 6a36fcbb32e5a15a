//! Loading a catalog file: every figure checked and resolved against its
//! sources, new versions added, open ones closed by an end date, nothing
//! loaded ever rewritten, and the edition remembered.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{LoadReport, RuleRow, json, lists, not_withdrawn, rule_of, versions_of};
use crate::db::schema::{
    catalog_editions, citizen_report_lists, legal_rules, violation_articles, violation_fines,
};
use crate::db::{DbConn, now, write_txn};
use crate::domain::Actor;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::tickets::catalog::{
    self, ArticleVersion, CatalogFile, Citation, LegalRule, RepeatGroup, ReportingList, Source,
    Status, TicketKind,
};

/// Fills in where each cited source is, from the file's `sources`.
fn resolve(sources: &BTreeMap<String, Source>, cites: &[Citation]) -> Vec<Citation> {
    cites
        .iter()
        .map(|c| {
            let s = sources.get(&c.source);
            Citation {
                url: s.map(|s| s.url.clone()),
                publisher: s.map(|s| s.publisher.clone()),
                kind: s.map(|s| s.kind),
                date: s.and_then(|s| s.date),
                ..c.clone()
            }
        })
        .collect()
}

/// A file as loaded: what reading computes (a version's citizen-report
/// listing, and `citizen_report` among its kinds that the listing put
/// there) is dropped, so a version read from the API loads back as it was.
fn without_computed(file: &CatalogFile) -> CatalogFile {
    let mut out = file.clone();
    for a in &mut out.articles {
        if a.citizen_reporting.take().is_some() {
            a.ticket_kinds.retain(|k| *k != TicketKind::CitizenReport);
        }
    }
    out
}

/// A file's content with every citation resolved from its `sources`
/// (whatever a citation said of where its source is is replaced).
fn resolved(file: &CatalogFile) -> CatalogFile {
    let r = |cites: &[Citation]| resolve(&file.sources, cites);
    let mut out = file.clone();
    for a in &mut out.articles {
        a.cites = r(&a.cites);
    }
    for l in &mut out.citizen_reporting {
        l.cites = r(&l.cites);
        for c in &mut l.codes {
            c.cites = r(&c.cites);
        }
    }
    for rule in &mut out.rules {
        rule.cites = r(&rule.cites);
    }
    for n in &mut out.notices {
        n.cites = r(&n.cites);
    }
    out
}

/// What loading a version that may exist already does.
enum Outcome {
    Unchanged,
    /// The loaded one is open and the file gives it this end date.
    Close,
    Rewrite,
    Overlap,
    New,
}

/// How a version stands against those loaded (`same`: the one with the
/// same start, `others`: the periods of the rest).
/// Of the stored versions of one code or key, the one starting on `from`
/// (the file's version of it), and the periods of all the others.
fn same_and_others<T>(
    existing: &[T],
    from: NaiveDate,
    period: impl Fn(&T) -> (NaiveDate, Option<NaiveDate>),
) -> (Option<&T>, Vec<(NaiveDate, Option<NaiveDate>)>) {
    let same = existing.iter().find(|e| period(e).0 == from);
    let others = existing
        .iter()
        .map(&period)
        .filter(|(start, _)| *start != from)
        .collect();
    (same, others)
}

fn outcome<T: PartialEq>(
    new: &T,
    period: (NaiveDate, Option<NaiveDate>),
    same: Option<(&T, Option<NaiveDate>)>,
    reopened: impl Fn(&T) -> T,
    others: &[(NaiveDate, Option<NaiveDate>)],
) -> Outcome {
    match same {
        Some((old, _)) if old == new => Outcome::Unchanged,
        Some((old, old_to)) if old_to.is_none() && period.1.is_some() && &reopened(new) == old => {
            Outcome::Close
        }
        Some(_) => Outcome::Rewrite,
        None if others.iter().any(|o| catalog::overlaps(period, *o)) => Outcome::Overlap,
        None => Outcome::New,
    }
}

fn insert_article(conn: &mut DbConn, a: &ArticleVersion) -> ApiResult<()> {
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
            violation_articles::created_at.eq(now()),
            violation_articles::amendment.eq(&a.amendment),
            violation_articles::status.eq(a.status.as_str()),
            violation_articles::cites.eq(json(&a.cites)?),
            violation_articles::note.eq(&a.note),
            violation_articles::repeat_group.eq(a.repeat_group.map(RepeatGroup::as_str)),
            violation_articles::speed_from.eq(a.speed_over.map(|s| s.0)),
            violation_articles::speed_to.eq(a.speed_over.and_then(|s| s.1)),
        ))
        .returning(violation_articles::id)
        .get_result(conn)?;
    for (class, fine) in &a.fines {
        let schedule = fine.schedule.as_ref().map(json).transpose()?;
        diesel::insert_into(violation_fines::table)
            .values((
                violation_fines::article_id.eq(id),
                violation_fines::vehicle_class.eq(class.as_str()),
                violation_fines::min_fine.eq(fine.range[0]),
                violation_fines::max_fine.eq(fine.range[1]),
                violation_fines::schedule.eq(schedule),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn load_articles(
    conn: &mut DbConn,
    file: &CatalogFile,
    report: &mut LoadReport,
    errors: &mut FieldErrors,
) -> ApiResult<()> {
    for (i, a) in file.articles.iter().enumerate() {
        let existing = versions_of(conn, &a.code)?;
        let (same, others) = same_and_others(&existing, a.effective_from, |e| {
            (e.effective_from, e.effective_to)
        });
        let reopen = |v: &ArticleVersion| ArticleVersion {
            effective_to: None,
            ..v.clone()
        };
        match outcome(
            a,
            (a.effective_from, a.effective_to),
            same.map(|s| (s, s.effective_to)),
            reopen,
            &others,
        ) {
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Close => {
                diesel::update(
                    violation_articles::table
                        .filter(violation_articles::code.eq(&a.code))
                        .filter(violation_articles::effective_from.eq(a.effective_from))
                        .filter(not_withdrawn()),
                )
                .set(violation_articles::effective_to.eq(a.effective_to))
                .execute(conn)?;
                report.closed += 1;
            }
            Outcome::Rewrite => errors.add(
                format!("articles[{i}]"),
                "rewrites_history",
                "a loaded version is never changed; add a new version instead",
            ),
            Outcome::Overlap => errors.add(
                format!("articles[{i}].effective_from"),
                "overlap",
                "overlaps a loaded version; close that one first",
            ),
            Outcome::New => {
                insert_article(conn, a)?;
                report.added += 1;
            }
        }
    }
    Ok(())
}

fn load_lists(
    conn: &mut DbConn,
    file: &CatalogFile,
    report: &mut LoadReport,
    errors: &mut FieldErrors,
) -> ApiResult<()> {
    let existing = lists(conn)?;
    for (i, l) in file.citizen_reporting.iter().enumerate() {
        let same = existing
            .iter()
            .find(|e| e.effective_from == l.effective_from);
        let others: Vec<_> = existing
            .iter()
            .filter(|e| e.effective_from != l.effective_from)
            .map(|e| (e.effective_from, e.effective_to))
            .collect();
        let reopen = |v: &ReportingList| ReportingList {
            effective_to: None,
            ..v.clone()
        };
        match outcome(
            l,
            (l.effective_from, l.effective_to),
            same.map(|s| (s, s.effective_to)),
            reopen,
            &others,
        ) {
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Close => {
                diesel::update(
                    citizen_report_lists::table
                        .filter(citizen_report_lists::effective_from.eq(l.effective_from)),
                )
                .set(citizen_report_lists::effective_to.eq(l.effective_to))
                .execute(conn)?;
                report.closed += 1;
            }
            Outcome::Rewrite => errors.add(
                format!("citizen_reporting[{i}]"),
                "rewrites_history",
                "a loaded list is never changed; add a new list instead",
            ),
            Outcome::Overlap => errors.add(
                format!("citizen_reporting[{i}].effective_from"),
                "overlap",
                "overlaps a loaded list; close that one first",
            ),
            Outcome::New => {
                diesel::insert_into(citizen_report_lists::table)
                    .values((
                        citizen_report_lists::effective_from.eq(l.effective_from),
                        citizen_report_lists::effective_to.eq(l.effective_to),
                        citizen_report_lists::amendment.eq(&l.amendment),
                        citizen_report_lists::cites.eq(json(&l.cites)?),
                        citizen_report_lists::codes.eq(json(&l.codes)?),
                        citizen_report_lists::note.eq(&l.note),
                        citizen_report_lists::created_at.eq(now()),
                    ))
                    .execute(conn)?;
                report.added += 1;
            }
        }
    }
    Ok(())
}

fn load_rules(
    conn: &mut DbConn,
    file: &CatalogFile,
    report: &mut LoadReport,
    errors: &mut FieldErrors,
) -> ApiResult<()> {
    for (i, r) in file.rules.iter().enumerate() {
        let existing: Vec<LegalRule> = legal_rules::table
            .filter(legal_rules::key.eq(&r.key))
            .filter(legal_rules::status.ne(Status::Withdrawn.as_str()))
            .select(rule_columns!())
            .load::<RuleRow>(conn)?
            .into_iter()
            .map(rule_of)
            .collect();
        let (same, others) = same_and_others(&existing, r.effective_from, |e| {
            (e.effective_from, e.effective_to)
        });
        let reopen = |v: &LegalRule| LegalRule {
            effective_to: None,
            ..v.clone()
        };
        match outcome(
            r,
            (r.effective_from, r.effective_to),
            same.map(|s| (s, s.effective_to)),
            reopen,
            &others,
        ) {
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Close => {
                diesel::update(
                    legal_rules::table
                        .filter(legal_rules::key.eq(&r.key))
                        .filter(legal_rules::effective_from.eq(r.effective_from)),
                )
                .set(legal_rules::effective_to.eq(r.effective_to))
                .execute(conn)?;
                report.closed += 1;
            }
            Outcome::Rewrite => errors.add(
                format!("rules[{i}]"),
                "rewrites_history",
                "a loaded rule is never changed; add a new version instead",
            ),
            Outcome::Overlap => errors.add(
                format!("rules[{i}].effective_from"),
                "overlap",
                "overlaps a loaded rule; close that one first",
            ),
            Outcome::New => {
                diesel::insert_into(legal_rules::table)
                    .values((
                        legal_rules::key.eq(&r.key),
                        legal_rules::value.eq(r.value),
                        legal_rules::basis.eq(&r.basis),
                        legal_rules::effective_from.eq(r.effective_from),
                        legal_rules::effective_to.eq(r.effective_to),
                        legal_rules::created_at.eq(now()),
                        legal_rules::status.eq(r.status.as_str()),
                        legal_rules::cites.eq(json(&r.cites)?),
                        legal_rules::note.eq(&r.note),
                    ))
                    .execute(conn)?;
                report.added += 1;
            }
        }
    }
    Ok(())
}

/// Loads a catalog file: new versions are added, an open version may be
/// closed by giving it an end date, and nothing else about an existing
/// version may change (the law as it stood is history).
pub fn load(conn: &mut DbConn, actor: &Actor, file: &CatalogFile) -> ApiResult<LoadReport> {
    actor.ensure_headquarters_admin()?;
    let file = without_computed(file);
    let mut errors = FieldErrors::new();
    catalog::check(&file, &mut errors);
    errors.into_result(())?;
    let file = resolved(&file);
    write_txn(conn, |conn| {
        let mut report = LoadReport::default();
        let mut errors = FieldErrors::new();
        load_articles(conn, &file, &mut report, &mut errors)?;
        load_lists(conn, &file, &mut report, &mut errors)?;
        load_rules(conn, &file, &mut report, &mut errors)?;
        errors.into_result(())?;
        diesel::insert_into(catalog_editions::table)
            .values((
                catalog_editions::edition.eq(&file.edition),
                catalog_editions::note.eq(&file.note),
                catalog_editions::sources.eq(json(&file.sources)?),
                catalog_editions::notices.eq(json(&file.notices)?),
                catalog_editions::loaded_at.eq(now()),
            ))
            .execute(conn)?;
        crate::audit::append(
            conn,
            actor
                .audit("catalog.load", "violation_catalog")
                .details(serde_json::json!({"edition": file.edition, "added": report.added, "closed": report.closed})),
        )?;
        Ok(report)
    })
}

/// Loads the bundled catalog into a database that has never loaded one
/// (the demonstration data withdrawn by the migration does not count).
pub fn ensure_loaded(conn: &mut DbConn) -> ApiResult<()> {
    let editions: i64 = catalog_editions::table.count().get_result(conn)?;
    if editions == 0 {
        let file: CatalogFile = serde_json::from_str(catalog::BUNDLED)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("bundled catalog: {e}")))?;
        let report = load(conn, &Actor::system(), &file)?;
        tracing::info!(added = report.added, edition = %file.edition, "violation catalog loaded");
    }
    Ok(())
}
