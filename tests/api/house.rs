//! The rules of the house (docs/architecture.md), read from the source:
//! no file over 400 lines, no import running up to what builds the
//! application, and no reach into another capability's store or HTTP
//! module: other capabilities and the console use the services its
//! `mod.rs` names. (Most stores are private as well, so that such a reach
//! does not even compile; this check also covers the `http` modules, which
//! the application must see to mount them.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// What builds and serves the application: nothing else imports these.
const TOP: [&str; 5] = ["app", "console", "server", "startup", "cli"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`cases` of `cases/http/steps.rs`).
fn room_of(relative: &str) -> &str {
    let first = relative.split('/').next().unwrap_or(relative);
    first.strip_suffix(".rs").unwrap_or(first)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every `crate::a::b` path in `code` as (a, b), including those of a
/// `use crate::{a::b, c}` group; `b` empty where there is none.
fn crate_paths(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            for item in group[..end].split(',') {
                out.push(split_path(item.trim()));
            }
        } else {
            out.push(split_path(after));
        }
        rest = after;
    }
    out
}

fn split_path(path: &str) -> (String, String) {
    let first: String = path.chars().take_while(|c| is_ident(*c)).collect();
    let second: String = path[first.len()..]
        .strip_prefix("::")
        .map(|r| r.chars().take_while(|c| is_ident(*c)).collect())
        .unwrap_or_default();
    (first, second)
}

struct Source {
    relative: String,
    lines: usize,
    paths: Vec<(String, String)>,
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let code: String = text
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            Source {
                relative: path
                    .strip_prefix(SRC)
                    .unwrap()
                    .to_string_lossy()
                    .trim_start_matches('/')
                    .to_owned(),
                lines: text.lines().count(),
                paths: crate_paths(&code),
            }
        })
        .collect()
}

#[test]
fn no_file_under_src_is_over_400_lines() {
    let big: Vec<String> = sources()
        .into_iter()
        .filter(|s| s.lines > 400 && !s.relative.ends_with("db/schema.rs"))
        .map(|s| format!("{} ({} lines)", s.relative, s.lines))
        .collect();
    assert!(big.is_empty(), "split these by what they do: {big:?}");
}

#[test]
fn nothing_below_the_application_imports_what_builds_it() {
    let mut upward = Vec::new();
    for s in sources() {
        let room = room_of(&s.relative);
        if TOP.contains(&room) || room == "lib" || room == "main" {
            continue;
        }
        for (target, _) in &s.paths {
            if TOP.contains(&target.as_str()) {
                upward.push(format!("{} -> {target}", s.relative));
            }
        }
    }
    assert!(upward.is_empty(), "imports running upward: {upward:?}");
}

#[test]
fn capabilities_are_reached_through_their_front_door() {
    let mut found = BTreeSet::new();
    for s in sources() {
        let room = room_of(&s.relative).to_owned();
        for (target, module) in &s.paths {
            if *target != room && (module == "store" || module == "http") {
                found.insert((s.relative.clone(), format!("{target}::{module}")));
            }
        }
    }
    assert!(
        found.is_empty(),
        "use the capability's services, not its store or HTTP module: {found:?}"
    );
}

#[test]
fn the_path_reader_reads_groups_and_plain_paths() {
    let paths = crate_paths(
        "use crate::{audit, tickets::store::{A, B}};\nlet x = crate::org::directory::unit_by_id;",
    );
    assert!(paths.contains(&("tickets".into(), "store".into())));
    assert!(paths.contains(&("audit".into(), String::new())));
    assert!(paths.contains(&("org".into(), "directory".into())));
}
