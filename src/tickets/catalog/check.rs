//! Checking a catalog file before anything of it is loaded: every problem
//! reported at once, as `articles[N].field`. Besides shape, the checks hold
//! the catalog to its own word: every figure cites a text, and a version
//! that calls itself confirmed cites the law for every figure.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{
    ArticleVersion, CatalogFile, Citation, LegalRule, MAJOR_VIOLATIONS, MAX_RULE_VALUE, RULE_KEYS,
    Source, SourceKind, Status, Support, TicketKind,
};
use crate::error::FieldErrors;

/// Whether two periods (last days included, open ends as `None`) share a day.
pub fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    let a_end = a.1.unwrap_or(NaiveDate::MAX);
    let b_end = b.1.unwrap_or(NaiveDate::MAX);
    a.0 <= b_end && b.0 <= a_end
}

/// `53-1`, `48-1-2`, `31.1-2`, `48-1-2t`: an article (with `.M` for 之M),
/// then up to a paragraph and an item, then at most one letter.
fn code_is_well_formed(code: &str) -> bool {
    if code.is_empty() || code.len() > 32 {
        return false;
    }
    let body = code
        .strip_suffix(|c: char| c.is_ascii_lowercase())
        .unwrap_or(code);
    let mut parts = body.split('-');
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit());
    let article_ok = parts.next().is_some_and(|a| match a.split_once('.') {
        Some((n, m)) => digits(n) && digits(m),
        None => digits(a),
    });
    let rest: Vec<&str> = parts.collect();
    article_ok && rest.len() <= 2 && rest.iter().all(|p| digits(p))
}

/// Checks a catalog file; every problem is reported.
pub fn check(file: &CatalogFile, errors: &mut FieldErrors) {
    if file.edition.trim().is_empty() || file.edition.len() > 64 {
        errors.add(
            "edition",
            "required",
            "name the edition (up to 64 characters)",
        );
    }
    for (id, s) in &file.sources {
        check_source(id, s, errors);
    }
    for (i, a) in file.articles.iter().enumerate() {
        check_article(file, i, a, errors);
    }
    check_lists(file, errors);
    for (i, r) in file.rules.iter().enumerate() {
        check_rule(file, i, r, errors);
    }
    for (i, n) in file.notices.iter().enumerate() {
        if n.about.trim().is_empty() || n.text.trim().is_empty() {
            errors.add(
                format!("notices[{i}]"),
                "required",
                "say what it is about and what is known",
            );
        }
        check_cites(file, &format!("notices[{i}]"), &n.cites, errors);
    }
}

fn check_source(id: &str, s: &Source, errors: &mut FieldErrors) {
    let f = |name: &str| format!("sources.{id}.{name}");
    if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
        errors.add(f("url"), "format", "an http(s) address");
    }
    if s.publisher.trim().is_empty() {
        errors.add(f("publisher"), "required", "who published it");
    }
}

fn check_cites(file: &CatalogFile, at: &str, cites: &[Citation], errors: &mut FieldErrors) {
    for (j, c) in cites.iter().enumerate() {
        if !file.sources.contains_key(&c.source) {
            errors.add(
                format!("{at}.cites[{j}].source"),
                "unknown",
                format!("no source {:?} in the file's sources", c.source),
            );
        }
        if c.quote.trim().is_empty() {
            errors.add(
                format!("{at}.cites[{j}].quote"),
                "required",
                "quote the words relied on",
            );
        }
        if c.supports.is_empty() {
            errors.add(
                format!("{at}.cites[{j}].supports"),
                "required",
                "say what the text supports",
            );
        }
    }
}

/// Whether some citation of `kind` (any kind when `None`) supports `what`.
fn cited(file: &CatalogFile, cites: &[Citation], what: Support, kind: Option<SourceKind>) -> bool {
    cites.iter().any(|c| {
        c.supports.contains(&what)
            && kind.is_none_or(|k| file.sources.get(&c.source).is_some_and(|s| s.kind == k))
    })
}

fn check_status(
    file: &CatalogFile,
    at: &str,
    status: Status,
    cites: &[Citation],
    needs: &[Support],
    errors: &mut FieldErrors,
) {
    match status {
        Status::Withdrawn => errors.add(
            format!("{at}.status"),
            "withdrawn",
            "withdrawn is how the demonstration data is kept; a file gives confirmed or unconfirmed",
        ),
        Status::Confirmed => {
            for what in needs {
                if !cited(file, cites, *what, Some(SourceKind::Law)) {
                    errors.add(
                        format!("{at}.status"),
                        "not_confirmed",
                        format!(
                            "confirmed needs the law for every figure; nothing from a law database supports {what:?}"
                        ),
                    );
                }
            }
        }
        Status::Unconfirmed => {}
    }
    for what in needs {
        if !cited(file, cites, *what, None) {
            errors.add(
                format!("{at}.cites"),
                "unsourced",
                format!("every figure needs a source: nothing supports {what:?}"),
            );
        }
    }
}

fn check_article(file: &CatalogFile, i: usize, a: &ArticleVersion, errors: &mut FieldErrors) {
    let at = format!("articles[{i}]");
    let f = |name: &str| format!("{at}.{name}");
    if !code_is_well_formed(&a.code) {
        errors.add(
            f("code"),
            "format",
            "article[.sub][-paragraph[-item]][letter], e.g. 53-1, 48-1-2, 31.1-2, 48-1-2t",
        );
    }
    if a.article.trim().is_empty() || a.description.trim().is_empty() {
        errors.add(
            f("description"),
            "required",
            "article and description are required",
        );
    }
    if a.amendment.trim().is_empty() {
        errors.add(
            f("amendment"),
            "required",
            "name the amendment or revision that made this version",
        );
    }
    if let Some(m) = &a.major
        && !MAJOR_VIOLATIONS.contains(&m.as_str())
    {
        errors.add(
            f("major"),
            "unknown",
            format!("one of {}", MAJOR_VIOLATIONS.join(", ")),
        );
    }
    if a.ticket_kinds.is_empty() {
        errors.add(f("ticket_kinds"), "required", "at least one ticket kind");
    }
    if a.ticket_kinds.contains(&TicketKind::CitizenReport) {
        errors.add(
            f("ticket_kinds"),
            "citizen_report",
            "what citizens may report follows the §7-1 lists (citizen_reporting), not the article",
        );
    }
    if a.fines.is_empty() {
        errors.add(f("fines"), "required", "at least one vehicle class");
    }
    for (class, fine) in &a.fines {
        super::fines::check_fine(&f(&format!("fines.{}", class.as_str())), fine, errors);
    }
    if let Some(to) = a.effective_to
        && to < a.effective_from
    {
        errors.add(f("effective_to"), "before_from", "ends before it starts");
    }
    check_cites(file, &at, &a.cites, errors);
    let mut needs = vec![Support::Range, Support::Date];
    if a.fines.values().any(|f| f.schedule.is_some()) {
        needs.push(Support::Schedule);
    }
    check_status(file, &at, a.status, &a.cites, &needs, errors);
    for (j, b) in file.articles.iter().enumerate().skip(i + 1) {
        if a.code == b.code
            && overlaps(
                (a.effective_from, a.effective_to),
                (b.effective_from, b.effective_to),
            )
        {
            errors.add(
                format!("articles[{j}].effective_from"),
                "overlap",
                format!("overlaps articles[{i}] of the same code"),
            );
        }
    }
}

fn check_lists(file: &CatalogFile, errors: &mut FieldErrors) {
    let known: BTreeMap<&str, ()> = file
        .articles
        .iter()
        .map(|a| (a.code.as_str(), ()))
        .collect();
    for (i, l) in file.citizen_reporting.iter().enumerate() {
        let at = format!("citizen_reporting[{i}]");
        if l.amendment.trim().is_empty() {
            errors.add(
                format!("{at}.amendment"),
                "required",
                "name the amendment that made this list",
            );
        }
        if let Some(to) = l.effective_to
            && to < l.effective_from
        {
            errors.add(
                format!("{at}.effective_to"),
                "before_from",
                "ends before it starts",
            );
        }
        check_cites(file, &at, &l.cites, errors);
        for (j, c) in l.codes.iter().enumerate() {
            let cat = format!("{at}.codes[{j}]");
            if !known.contains_key(c.code.as_str()) {
                errors.add(
                    format!("{cat}.code"),
                    "unknown",
                    "not a code of any article version in the file",
                );
            }
            check_cites(file, &cat, &c.cites, errors);
            check_status(file, &cat, c.status, &c.cites, &[Support::List], errors);
            if l.codes.iter().skip(j + 1).any(|o| o.code == c.code) {
                errors.add(format!("{cat}.code"), "duplicate", "listed twice");
            }
        }
        for (j, m) in file.citizen_reporting.iter().enumerate().skip(i + 1) {
            if overlaps(
                (l.effective_from, l.effective_to),
                (m.effective_from, m.effective_to),
            ) {
                errors.add(
                    format!("citizen_reporting[{j}].effective_from"),
                    "overlap",
                    format!("overlaps citizen_reporting[{i}]"),
                );
            }
        }
    }
}

fn check_rule(file: &CatalogFile, i: usize, r: &LegalRule, errors: &mut FieldErrors) {
    let at = format!("rules[{i}]");
    if !RULE_KEYS.contains(&r.key.as_str()) {
        errors.add(
            format!("{at}.key"),
            "unknown",
            format!("one of {}", RULE_KEYS.join(", ")),
        );
    }
    if !(1..=MAX_RULE_VALUE).contains(&r.value) {
        errors.add(
            format!("{at}.value"),
            "range",
            format!("1 to {MAX_RULE_VALUE} (days, months, minutes or km)"),
        );
    }
    if let Some(to) = r.effective_to
        && to < r.effective_from
    {
        errors.add(
            format!("{at}.effective_to"),
            "before_from",
            "ends before it starts",
        );
    }
    check_cites(file, &at, &r.cites, errors);
    check_status(file, &at, r.status, &r.cites, &[Support::Value], errors);
    for (j, s) in file.rules.iter().enumerate().skip(i + 1) {
        if r.key == s.key
            && overlaps(
                (r.effective_from, r.effective_to),
                (s.effective_from, s.effective_to),
            )
        {
            errors.add(
                format!("rules[{j}].effective_from"),
                "overlap",
                format!("overlaps rules[{i}]"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_go_down_to_the_item_with_a_letter_for_a_situation() {
        for ok in [
            "53-1", "40", "48-1-2", "48-1-2t", "31.1-2", "55-1-1p", "7.1-1-12",
        ] {
            assert!(code_is_well_formed(ok), "{ok}");
        }
        for bad in [
            "", "53-", "-1", "53-1-2-3", "48-1-2T", "48-1-2tt", "31-1.2", "a-1", "53_1", "1234-1",
        ] {
            assert!(!code_is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn periods_overlap_on_a_shared_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(overlaps(
            (d("2023-06-30"), None),
            (d("2013-01-01"), Some(d("2023-06-30")))
        ));
        assert!(!overlaps(
            (d("2023-06-30"), None),
            (d("2013-01-01"), Some(d("2023-06-29")))
        ));
    }
}
