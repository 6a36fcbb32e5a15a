//! Every error answer is problem+json, including those the framework makes
//! before a handler runs (a body over the limit on a CSV import, a method
//! the route does not take): they are rewritten here. And a request target
//! longer than any real one is refused with 414 before routing.

use actix_web::HttpResponse;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use crate::error::Problem;

/// Longest request target (path and query) served. The handhelds' longest
/// is far shorter; a longer one is an error or an attack.
pub const MAX_URI_BYTES: usize = 8 * 1024;

fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        429 => "too_many_requests",
        431 => "header_fields_too_large",
        503 => "service_unavailable",
        500..=599 => "internal_error",
        _ => "request_failed",
    }
}

/// A problem answer for `status` with the generic code of that status.
pub fn problem(status: StatusCode, detail: Option<String>) -> HttpResponse {
    let code = code_for(status);
    let body = Problem {
        kind: format!("urn:epatrol:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        code: code.to_owned(),
        detail,
        errors: Vec::new(),
    };
    HttpResponse::build(status)
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ))
        .body(serde_json::to_string(&body).unwrap_or_default())
}

pub async fn ensure_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_URI_BYTES {
        let detail = format!("the request target is longer than {MAX_URI_BYTES} bytes");
        return Ok(req.into_response(problem(StatusCode::URI_TOO_LONG, Some(detail))));
    }
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    // The console's pages answer errors as pages, for people.
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if status.as_u16() < 400 || is_problem || is_page {
        return Ok(res);
    }
    let (req, original) = res.into_parts();
    let mut replaced = problem(status, None);
    // Keep what the framework said about the answer (Allow, Retry-After).
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replaced.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(req, replaced))
}
