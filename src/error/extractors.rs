//! actix's body, path and query parsing failures as problems, in plain
//! words that say what to send rather than serde's.

use super::ApiError;

/// A JSON body actix could not read.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::PayloadTooLarge,
        E::ContentType => ApiError::UnsupportedMediaType,
        E::Deserialize(e) => ApiError::bad_request("malformed_body", e.to_string()),
        other => ApiError::bad_request("malformed_body", other.to_string()),
    }
    .into()
}

/// serde's words about a query or path, said plainly with what to send:
/// "missing field `format`" becomes "the query needs format=…".
pub fn plain_words(what: &str, raw: &str) -> String {
    let between = |s: &str| -> Option<String> {
        let start = s.find('`')? + 1;
        let end = start + s.get(start..)?.find('`')?;
        s.get(start..end).map(str::to_owned)
    };
    let from = |marker: &str| raw.find(marker).and_then(|i| raw.get(i..));
    if let Some(f) = from("missing field").and_then(between) {
        return format!("the {what} needs {f}=…");
    }
    if let Some(rest) = from("unknown variant") {
        let expected = rest
            .find("expected")
            .and_then(|i| rest.get(i..))
            .map(|e| e.replace('`', ""))
            .unwrap_or_default();
        if let Some(v) = between(rest) {
            return format!("{v:?} is not a value the {what} takes ({expected})");
        }
    }
    if let Some(f) = from("unknown field").and_then(between) {
        return format!("the {what} takes no {f}; see the API document for what it takes");
    }
    if raw.contains("invalid digit") || raw.contains("cannot parse integer") {
        return format!("a number in the {what} is not a whole number");
    }
    if raw.contains("premature end of input") || raw.contains("input contains invalid characters") {
        return format!(
            "a date or time in the {what} is not in the form YYYY-MM-DD (RFC 3339 for times)"
        );
    }
    format!("the {what} could not be read; see the API document for its parameters")
}

pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::bad_request(
        "malformed_query",
        plain_words("query string", &err.to_string()),
    )
    .into()
}

pub fn path_error(
    err: actix_web::error::PathError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::bad_request("malformed_path", plain_words("path", &err.to_string())).into()
}

#[cfg(test)]
mod tests {
    use super::plain_words;

    #[test]
    fn serde_words_become_what_to_send() {
        assert_eq!(
            plain_words(
                "query string",
                "Query deserialize error: missing field `format`"
            ),
            "the query string needs format=…"
        );
        let w = plain_words(
            "query string",
            "Query deserialize error: unknown variant `root`, expected one of `officer`, `supervisor`",
        );
        assert!(
            w.starts_with("\"root\" is not a value the query string takes"),
            "{w}"
        );
        assert!(w.contains("officer") && !w.contains('`'), "{w}");
        assert_eq!(
            plain_words(
                "query string",
                "Query deserialize error: invalid digit found in string"
            ),
            "a number in the query string is not a whole number"
        );
        assert!(plain_words("path", "can not parse \"x\" to a i64").contains("path"));
        // Nothing of serde's wording leaks through the fallback.
        assert!(!plain_words("path", "weird `thing`").contains("weird"));
    }
}
