//! An error page shown to someone signed in keeps the console's header and
//! menu, so the way on is one click rather than the browser's back button.
//! `PageError` cannot see the request its page answers; it leaves what the
//! page says on the response, and this middleware, which sees both, draws
//! it inside the signed-in layout when the request had a signed-in caller.

use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use maud::{Markup, html};

use super::layout::{html_response, page};
use super::session::Browser;

/// What an error page says, left on its response.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub title: &'static str,
    pub text: String,
}

/// The error page's own content, inside whichever layout draws it.
pub fn content(p: &ErrorPage) -> Markup {
    html! {
        main.narrow {
            h1 { (p.title) }
            p.error role="alert" { (p.text) }
            p { a href="/" { "回首頁" } }
        }
    }
}

pub async fn with_navigation(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let res = next.call(req).await?;
    let error_page = res.response().extensions().get::<ErrorPage>().cloned();
    let who = res.request().extensions().get::<Browser>().cloned();
    let (Some(error_page), Some(who)) = (error_page, who) else {
        return Ok(res.map_into_left_body());
    };
    let mut drawn = html_response(
        res.status(),
        page(error_page.title, &who, content(&error_page)),
    );
    // Whatever else the answer said (Retry-After, say) it still says.
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && !drawn.headers().contains_key(name)
        {
            drawn.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(res.into_response(drawn).map_into_right_body())
}
