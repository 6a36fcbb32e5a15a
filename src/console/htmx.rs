//! Partial updates meet an ended session. An htmx request follows a
//! redirect to the sign-in page inside its XHR and would swap that page
//! into the middle of a form; told `HX-Redirect` instead, htmx loads it as
//! the whole page.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// Where an ended or unfinished sign-in sends the browser.
const SIGN_IN_PAGES: [&str; 2] = ["/login", "/password"];

pub async fn whole_page_redirects(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let from_htmx = req
        .headers()
        .get("HX-Request")
        .is_some_and(|v| v.as_bytes() == b"true");
    let mut res = next.call(req).await?;
    if from_htmx && res.status() == StatusCode::SEE_OTHER {
        let target = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .filter(|l| SIGN_IN_PAGES.contains(l))
            .and_then(|l| HeaderValue::from_str(l).ok());
        if let Some(target) = target {
            res.headers_mut()
                .insert(HeaderName::from_static("hx-redirect"), target);
            res.headers_mut().remove(header::LOCATION);
            *res.response_mut().status_mut() = StatusCode::OK;
        }
    }
    Ok(res)
}
