//! What the legal office reads: every loaded version with its status,
//! amendment and sources, how much is confirmed, and what is still missing.
//! `epatrol catalog report` prints it; the console's catalog page shows it.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ArticleVersion, Citation, LegalRule, Notice, ReportingList, Schedule, Source, Status, in_force,
};

/// Everything the database holds of the catalog.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Loaded {
    /// The edition loaded last.
    pub edition: String,
    pub note: String,
    pub sources: BTreeMap<String, Source>,
    pub notices: Vec<Notice>,
    /// Every version, withdrawn ones too, by code and start.
    pub articles: Vec<ArticleVersion>,
    pub citizen_reporting: Vec<ReportingList>,
    pub rules: Vec<LegalRule>,
}

/// How much of the catalog is confirmed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Counts {
    pub confirmed: usize,
    pub unconfirmed: usize,
    pub withdrawn: usize,
}

impl Counts {
    fn add(&mut self, s: Status) {
        match s {
            Status::Confirmed => self.confirmed += 1,
            Status::Unconfirmed => self.unconfirmed += 1,
            Status::Withdrawn => self.withdrawn += 1,
        }
    }
}

/// The counts of article versions (all of them, and those in force on
/// `today`) and of rules in force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Summary {
    pub versions: Counts,
    pub in_force: Counts,
    pub rules_in_force: Counts,
}

pub fn summary(l: &Loaded, today: NaiveDate) -> Summary {
    let mut s = Summary::default();
    for a in &l.articles {
        s.versions.add(a.status);
        if a.status != Status::Withdrawn && in_force(a.effective_from, a.effective_to, today) {
            s.in_force.add(a.status);
        }
    }
    for r in &l.rules {
        if r.status != Status::Withdrawn && in_force(r.effective_from, r.effective_to, today) {
            s.rules_in_force.add(r.status);
        }
    }
    s
}

/// NT$ with thousands separators, as a notice prints money.
pub fn money(n: i32) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A class's fine in a line: `1,800–5,400（基準表 2,700）`.
pub fn fine_text(f: &super::Fine) -> String {
    let [lo, hi] = f.range;
    let range = if lo == hi {
        money(lo)
    } else {
        format!("{}–{}", money(lo), money(hi))
    };
    match &f.schedule {
        None => range,
        Some(Schedule::Amount(a)) => format!("{range}（基準表 {}）", money(*a)),
        Some(Schedule::Bands { bands }) => {
            let parts: Vec<String> = bands
                .iter()
                .map(|b| match b.over.1 {
                    Some(to) => format!("超速{}–{}：{}", b.over.0, to, money(b.amount)),
                    None => format!("超速{}以上：{}", b.over.0, money(b.amount)),
                })
                .collect();
            format!("{range}（基準表 {}）", parts.join("；"))
        }
    }
}

fn cite_lines(out: &mut String, indent: &str, cites: &[Citation]) {
    for c in cites {
        let kind = c.kind.map(|k| k.label_zh()).unwrap_or("?");
        let supports: Vec<String> = c
            .supports
            .iter()
            .map(|s| format!("{s:?}").to_lowercase())
            .collect();
        let _ = writeln!(
            out,
            "{indent}- [{kind}] {} {} ({})",
            c.publisher.as_deref().unwrap_or(&c.source),
            c.url.as_deref().unwrap_or(""),
            supports.join(", ")
        );
        let _ = writeln!(out, "{indent}  「{}」", c.quote);
    }
}

fn period(from: NaiveDate, to: Option<NaiveDate>) -> String {
    match to {
        Some(t) => format!("{from} – {t}"),
        None => format!("{from} –"),
    }
}

/// The report as text.
pub fn text(l: &Loaded, today: NaiveDate) -> String {
    let s = summary(l, today);
    let mut out = String::new();
    let _ = writeln!(out, "違規條款目錄 edition {}", l.edition);
    let _ = writeln!(
        out,
        "in force on {today}: {} versions confirmed, {} unconfirmed; all versions: {} confirmed, {} unconfirmed, {} withdrawn (demonstration data); rules in force: {} confirmed, {} unconfirmed",
        s.in_force.confirmed,
        s.in_force.unconfirmed,
        s.versions.confirmed,
        s.versions.unconfirmed,
        s.versions.withdrawn,
        s.rules_in_force.confirmed,
        s.rules_in_force.unconfirmed
    );
    if !l.note.is_empty() {
        let _ = writeln!(out, "{}", l.note);
    }
    let _ = writeln!(out, "\n## Articles");
    for a in &l.articles {
        let _ = writeln!(
            out,
            "\n{} {} {} [{}] {}",
            a.code,
            a.article,
            a.description,
            a.status.as_str(),
            period(a.effective_from, a.effective_to)
        );
        if !a.amendment.is_empty() {
            let _ = writeln!(out, "  amendment: {}", a.amendment);
        }
        for (class, f) in &a.fines {
            let _ = writeln!(out, "  {}: {}", class.label_zh(), fine_text(f));
        }
        if let Some(n) = &a.note {
            let _ = writeln!(out, "  note: {n}");
        }
        cite_lines(&mut out, "  ", &a.cites);
    }
    let _ = writeln!(out, "\n## What citizens may report (§7-1)");
    for list in &l.citizen_reporting {
        let codes: Vec<&str> = list.codes.iter().map(|c| c.code.as_str()).collect();
        let _ = writeln!(
            out,
            "\n{} {}: {}",
            period(list.effective_from, list.effective_to),
            list.amendment,
            codes.join(" ")
        );
        if let Some(n) = &list.note {
            let _ = writeln!(out, "  note: {n}");
        }
        cite_lines(&mut out, "  ", &list.cites);
        for c in &list.codes {
            let _ = writeln!(out, "  {} [{}]", c.code, c.status.as_str());
            cite_lines(&mut out, "    ", &c.cites);
        }
    }
    let _ = writeln!(out, "\n## Timing rules");
    for r in &l.rules {
        let _ = writeln!(
            out,
            "\n{} = {} [{}] {}: {}",
            r.key,
            r.value,
            r.status.as_str(),
            period(r.effective_from, r.effective_to),
            r.basis
        );
        if let Some(n) = &r.note {
            let _ = writeln!(out, "  note: {n}");
        }
        cite_lines(&mut out, "  ", &r.cites);
    }
    let _ = writeln!(out, "\n## Not yet versions, not found");
    for n in &l.notices {
        let _ = writeln!(out, "\n{}: {}", n.about, n.text);
        cite_lines(&mut out, "  ", &n.cites);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(money(0), "0");
        assert_eq!(money(600), "600");
        assert_eq!(money(1800), "1,800");
        assert_eq!(money(120000), "120,000");
        assert_eq!(money(-2700), "-2,700");
    }
}
