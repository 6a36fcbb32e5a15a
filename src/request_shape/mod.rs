//! Checks a JSON request against the schema the API document gives it, so
//! that a body with several missing, mistyped or unknown fields is answered
//! with all of them at once (serde stops at the first), each named by its
//! path (`driver.national_id`, `items[3].position.lat`). The document is
//! generated from the same types serde reads, so the two agree on what a
//! valid body is; serde still has the last word.
//!
//! Also here: the rule on control characters. Text that reaches a printer,
//! a PDF or the audit log carries none (NUL, ESC, DEL, the other C0 and C1
//! codes, and the bidirectional overrides that make text read differently
//! from how it is stored); a newline only in the few fields where a line
//! break means something.

use serde_json::Value;

use crate::error::FieldError;

mod values;
use values::{check_count, check_format, check_number, describe, type_matches};

/// Fields whose text may span lines.
const MULTILINE_FIELDS: &[&str] = &["facts", "note", "reason", "description"];

/// Deepest nesting followed; deeper bodies are refused as a whole.
const MAX_DEPTH: usize = 32;

/// Every problem with `value` against `schema`, resolving `$ref`s in `doc`
/// (an OpenAPI document).
pub fn check(value: &Value, schema: &Value, doc: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    Checker { doc }.check(value, schema, &Path::Body, &mut errors, 0);
    errors
}

/// Every string in `value` that holds a character text must not hold.
pub fn control_characters(value: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    walk_strings(value, &Path::Body, None, &mut errors, 0);
    errors
}

/// Where a value sits in the body, written out (`items[3].position.lat`)
/// only for a value found wrong: a body that is right, a batch's thousand
/// items, costs no text.
enum Path<'a> {
    Body,
    Field(&'a Path<'a>, &'a str),
    Item(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// The field's name in an answer; `body` for the body itself.
    fn name(&self) -> String {
        let text = self.text();
        if text.is_empty() {
            "body".to_owned()
        } else {
            text
        }
    }

    /// The path written out, empty for the body itself.
    fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Body => {}
            Path::Field(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Item(parent, i) => {
                parent.write(out);
                out.push('[');
                out.push_str(itoa::Buffer::new().format(*i));
                out.push(']');
            }
        }
    }
}

/// Whether `c` may appear in text; `multiline` allows the newline.
pub fn allowed_char(c: char, multiline: bool) -> bool {
    match c {
        '\n' => multiline,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => false,
        // Bidirectional embeddings, overrides and isolates.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => false,
        _ => true,
    }
}

fn walk_strings(
    value: &Value,
    path: &Path<'_>,
    key: Option<&str>,
    errors: &mut Vec<FieldError>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::String(s) => {
            let multiline = key.is_some_and(|k| MULTILINE_FIELDS.contains(&k));
            if let Some(bad) = s.chars().find(|c| !allowed_char(*c, multiline)) {
                errors.push(FieldError::new(
                    path.name(),
                    "control_character",
                    format!("contains the control character U+{:04X}", u32::from(bad)),
                ));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_strings(item, &Path::Item(path, i), key, errors, depth + 1);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                walk_strings(v, &Path::Field(path, k), Some(k), errors, depth + 1);
            }
        }
        _ => {}
    }
}

/// The document's schema called `name`. Looked up key by key rather than
/// by JSON pointer: this runs for every reference of every request.
pub fn named_schema<'d>(doc: &'d Value, name: &str) -> Option<&'d Value> {
    doc.get("components")?.get("schemas")?.get(name)
}

struct Checker<'d> {
    doc: &'d Value,
}

impl<'d> Checker<'d> {
    fn resolve(&self, schema: &'d Value) -> &'d Value {
        let mut schema = schema;
        // A chain of references ends within a few steps in a sane document.
        for _ in 0..8 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let name = reference.trim_start_matches("#/components/schemas/");
            match named_schema(self.doc, name) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn check(
        &self,
        value: &Value,
        schema: &'d Value,
        path: &Path<'_>,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            errors.push(FieldError::new(
                path.name(),
                "too_deep",
                "nested too deeply",
            ));
            return;
        }
        let schema = self.resolve(schema);
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
                self.check_branches(value, branches, path, errors, depth);
                return;
            }
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.check(value, part, path, errors, depth + 1);
            }
        }
        if let Some(types) = schema.get("type")
            && !type_matches(value, types)
        {
            errors.push(FieldError::new(
                path.name(),
                if value.is_null() { "required" } else { "type" },
                format!("expected {}", describe(types)),
            ));
            return;
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            let names: Vec<String> = options.iter().map(|o| o.to_string()).collect();
            errors.push(FieldError::new(
                path.name(),
                "enum",
                format!("one of {}", names.join(", ")),
            ));
            return;
        }
        match value {
            Value::Object(map) => self.check_object(map, schema, path, errors, depth),
            Value::Array(items) => {
                check_count(items.len(), schema, "minItems", "maxItems", path, errors);
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item, item_schema, &Path::Item(path, i), errors, depth + 1);
                    }
                }
            }
            Value::String(s) => {
                check_count(
                    s.chars().count(),
                    schema,
                    "minLength",
                    "maxLength",
                    path,
                    errors,
                );
                check_format(s, schema, path, errors);
            }
            Value::Number(n) => check_number(n, schema, path, errors),
            _ => {}
        }
    }

    /// A value fits one of several schemas (nullable references): no error
    /// if any branch fits, else the errors of the branch it came closest to.
    fn check_branches(
        &self,
        value: &Value,
        branches: &'d [Value],
        path: &Path<'_>,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        let mut best: Option<Vec<FieldError>> = None;
        for branch in branches {
            let mut found = Vec::new();
            self.check(value, branch, path, &mut found, depth + 1);
            if found.is_empty() {
                return;
            }
            let is_null_branch = branch.get("type") == Some(&Value::String("null".into()));
            if !is_null_branch && best.as_ref().is_none_or(|b| found.len() < b.len()) {
                best = Some(found);
            }
        }
        errors.extend(best.unwrap_or_else(|| {
            vec![FieldError::new(
                path.name(),
                "type",
                "not any of the allowed forms",
            )]
        }));
    }

    fn check_object(
        &self,
        map: &serde_json::Map<String, Value>,
        schema: &'d Value,
        path: &Path<'_>,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(name) {
                    errors.push(FieldError::new(
                        Path::Field(path, name).text(),
                        "required",
                        "required",
                    ));
                }
            }
        }
        for (key, v) in map {
            let child = Path::Field(path, key);
            match properties.and_then(|p| p.get(key)) {
                Some(property) => self.check(v, property, &child, errors, depth + 1),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(FieldError::new(
                            child.text(),
                            "unknown_field",
                            "not a field of this request",
                        ));
                    }
                    Some(extra @ Value::Object(_)) => {
                        self.check(v, extra, &child, errors, depth + 1)
                    }
                    _ => {}
                },
            }
        }
    }
}

#[cfg(test)]
mod tests;
