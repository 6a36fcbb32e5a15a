//! The JSON body extractor every handler uses instead of `web::Json`. It
//! answers bad bodies the same way everywhere:
//!
//! - not JSON content: 415 `unsupported_media_type`;
//! - larger than the limit: 413 `payload_too_large`;
//! - not JSON at all: 400 `malformed_body`;
//! - JSON of the wrong shape, or text holding control characters: 422
//!   `validation_failed`, listing every missing, mistyped and unknown field
//!   at once by its path.

use std::sync::OnceLock;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::{ApiError, FieldError};

/// Largest JSON body accepted: a full offline batch of check-ins fits.
pub const JSON_LIMIT: usize = 4 * 1024 * 1024;

/// Codes of the shape checker for lengths and ranges, which the services
/// check as rules (see `decode`).
const LIMIT_CODES: &[&str] = &["too_short", "too_long", "out_of_range"];

/// Array properties whose items are judged one by one by their handler
/// (a bad item must not sink the others), not by the extractor.
const JUDGED_PER_ITEM: &[(&str, &str)] = &[("BatchRequest", "items")];

/// The API document, for the request schemas: handed over once by whoever
/// builds the application (`app::build`), which knows the routes; this
/// module knows only that there is a document.
static DOCUMENT: OnceLock<Value> = OnceLock::new();

/// Gives the extractor the API document, made by `make` the first time.
pub fn use_document(make: impl FnOnce() -> Value) {
    DOCUMENT.get_or_init(make);
}

/// A request body of type `T`, checked against `T`'s schema in the API
/// document before serde reads it.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
}

impl<T> FromRequest for JsonBody<T>
where
    T: DeserializeOwned + ToSchema + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if declared.is_some_and(|n| n > JSON_LIMIT) {
                return Err(ApiError::PayloadTooLarge);
            }
            let mut bytes = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
                if bytes.len() + chunk.len() > JSON_LIMIT {
                    return Err(ApiError::PayloadTooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            decode::<T>(&bytes).map(JsonBody)
        })
    }
}

/// Parses, checks and reads a body of type `T`.
pub fn decode<T: DeserializeOwned + ToSchema>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request("malformed_body", format!("not JSON: {e}")))?;
    // Items their handler judges one by one are set aside while the rest of
    // the body is checked: each is checked once, by the handler, and a bad
    // one does not sink the others.
    let set_aside = set_aside_items::<T>(&mut value);
    let mut errors = check::<T>(&value);
    errors.extend(crate::request_shape::control_characters(&value));
    if let Some((property, items)) = set_aside
        && let Some(slot) = value.get_mut(property)
    {
        *slot = items;
    }
    // Lengths and ranges the document states are rules the services check
    // too, together with every other rule of the request: a body whose only
    // problems are those goes on, so that the answer lists all fields at once.
    let structural = errors
        .iter()
        .any(|e| !LIMIT_CODES.contains(&e.code.as_str()));
    if structural {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup();
        return Err(ApiError::Validation(errors));
    }
    T::deserialize(value).map_err(|_| refusal::<T>(bytes))
}

/// Why serde refuses a body that parses and fits its schema, with the path
/// of the field. Found from the body parsed again, only when serde has
/// refused it: tracking the path while reading cost an allocation for
/// every key of every body, a batch's thousand items included.
fn refusal<T: DeserializeOwned>(bytes: &[u8]) -> ApiError {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => return ApiError::bad_request("malformed_body", format!("not JSON: {e}")),
    };
    let (field, reason) = match serde_path_to_error::deserialize::<_, T>(value) {
        Err(e) => (e.path().to_string(), e.inner().to_string()),
        // Not reached: the same bytes were refused a moment ago.
        Ok(_) => (".".to_owned(), "not readable".to_owned()),
    };
    ApiError::Validation(vec![FieldError::new(
        if field == "." {
            "body".to_owned()
        } else {
            field
        },
        "invalid",
        reason,
    )])
}

/// Takes out of `value` the array of items a `T`'s handler judges one by
/// one, leaving one null item in its place (so that the body's own rules,
/// such as the array being required and not empty, still hold); the
/// property and the items, to put back once the body is checked.
fn set_aside_items<T: ToSchema>(value: &mut Value) -> Option<(&'static str, Value)> {
    let name = T::name();
    let (_, property) = JUDGED_PER_ITEM.iter().find(|(schema, _)| name == *schema)?;
    let slot = value.get_mut(*property)?;
    if !slot.is_array() {
        return None;
    }
    Some((
        property,
        std::mem::replace(slot, Value::Array(vec![Value::Null])),
    ))
}

/// The shape problems of `value` as a `T`, apart from those of the item
/// left in place of items judged one by one.
fn check<T: ToSchema>(value: &Value) -> Vec<FieldError> {
    let name = T::name();
    let mut found = shape_problems(value, &name);
    for (schema_name, property) in JUDGED_PER_ITEM {
        if name == *schema_name {
            let prefix = format!("{property}[");
            found.retain(|e| !e.field.starts_with(&prefix));
        }
    }
    found
}

/// The shape problems of one item of a request judged item by item, against
/// the schema named `schema_name`, with paths under `prefix`.
pub fn check_item(value: &Value, schema_name: &str, prefix: &str) -> Vec<FieldError> {
    let mut found = shape_problems(value, schema_name);
    found.extend(crate::request_shape::control_characters(value));
    for e in &mut found {
        e.field = if e.field == "body" {
            prefix.to_owned()
        } else {
            format!("{prefix}.{}", e.field)
        };
    }
    found
}

/// The problems of `value` against the document's schema `schema_name`
/// (none for a type the document does not describe).
fn shape_problems(value: &Value, schema_name: &str) -> Vec<FieldError> {
    // Without a document (nothing built an application) serde alone reads
    // the body; every server and test builds one first.
    let Some(document) = DOCUMENT.get() else {
        return Vec::new();
    };
    crate::request_shape::named_schema(document, schema_name)
        .map(|schema| crate::request_shape::check(value, schema, document))
        .unwrap_or_default()
}
