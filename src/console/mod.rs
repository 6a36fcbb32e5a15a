//! The console: the browser interface of supervisors, vendor staff and
//! administrators, served by the same binary as the API. Pages are maud
//! templates compiled in; they call the same service functions as the API
//! handlers, so scoping, separation of duties and personal-data limits are
//! enforced once, server-side, whatever a page shows.

pub mod assets;
pub mod error_pages;
pub mod format;
pub mod htmx;
pub mod layout;
pub mod page_error;
pub mod pages;
pub mod session;
pub mod tiles;
pub mod words;

use actix_web::{HttpRequest, web};

use page_error::{PageError, PageResult};
use session::{Browser, CSRF_FIELD, CSRF_HEADER};

use crate::error::ApiError;
use crate::state::AppState;

/// The device the console's actions are recorded from in the audit log.
pub const DEVICE: &str = "console";

/// Every console route (outside `/api/v1`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::serve_asset)
        .service(pages::login::login_page)
        .service(pages::login::login_submit)
        .service(pages::login::logout)
        .service(pages::login::password_page)
        .service(pages::login::password_submit)
        .service(pages::home::home)
        .service(pages::work::queue_page)
        .service(pages::work::claim)
        .service(pages::work::work_page)
        .service(pages::work::release)
        .service(pages::work::evidence)
        .service(pages::keying::check)
        .service(pages::keying::submit_keying)
        .service(pages::keying::submit_verification)
        .service(pages::keying::submit_resolution)
        .service(pages::review::approve)
        .service(pages::review::send_back)
        .service(pages::checkins::flagged)
        .service(pages::checkins::checkin_page)
        .service(pages::checkins::decide)
        .service(pages::coverage::coverage_page)
        .service(pages::boxes::stickers)
        .service(pages::boxes::boxes_page)
        .service(pages::boxes::create_box)
        .service(pages::boxes::import_boxes)
        .service(pages::officers::officers_page)
        .service(pages::vendor::vendor_page)
        .service(pages::accounts::accounts_page)
        .service(pages::accounts::create_account)
        .service(pages::accounts::disable_or_enable_account)
        .service(pages::accounts::reset_password)
        .service(pages::city::units_page)
        .service(pages::city::create_unit)
        .service(pages::city::disable_or_enable_unit)
        .service(pages::city::create_vendor)
        .service(pages::contracts::create_contract)
        .service(pages::catalog::catalog_page)
        .service(pages::catalog::load_catalog)
        .service(pages::hq_tools::system)
        .service(pages::hq_tools::verify_audit)
        .service(pages::hq_tools::rotate_key)
        .service(pages::hq_tools::import_registry)
        .service(pages::quality::monthly_pdf)
        .service(pages::quality::quality_page)
        .service(pages::plans::plans_page)
        .service(pages::plans::new_plan_page)
        .service(pages::plans::create_plan)
        .service(pages::plans::plan_page)
        .service(pages::plans::retire_plan)
        .service(pages::tickets::ticket_search)
        .service(pages::ticket_actions::print_preview)
        .service(pages::ticket_actions::void_ticket)
        .service(pages::ticket_actions::correct_ticket)
        .service(pages::ticket_actions::record_delivery)
        .service(pages::tickets::ticket_page);
}

/// A posted form as its pairs (repeated names kept, e.g. acknowledgements).
pub type FormPairs = web::Form<Vec<(String, String)>>;

/// A form posted from one of the console's own pages: the signed-in
/// browser and the form's fields, with the CSRF token checked (and any
/// cross-site post refused) before the handler runs.
pub struct CsrfForm {
    pub who: Browser,
    pub form: Vec<(String, String)>,
}

impl actix_web::FromRequest for CsrfForm {
    type Error = PageError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let who = Browser::from_request(req, payload);
        let form = FormPairs::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let who = who.await?;
            let form = form
                .await
                .map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?
                .into_inner();
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or(PageError::SignIn)?;
            check_csrf(&req, state, &who, &form)?;
            Ok(CsrfForm { who, form })
        })
    }
}

/// The first value of `name` in a form, trimmed.
pub fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// The first value of `name` exactly as typed (passwords are not trimmed).
pub fn raw_field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every value of `name` in a form.
pub fn fields(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// Refuses a state-changing request that does not carry this session's
/// CSRF token (form field or htmx header) or that another site sent.
fn check_csrf(
    req: &HttpRequest,
    state: &AppState,
    who: &Browser,
    form: &[(String, String)],
) -> PageResult<()> {
    let cross_site = req
        .headers()
        .get("Sec-Fetch-Site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    let header = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let presented = match field(form, CSRF_FIELD) {
        "" => header,
        f => f,
    };
    if cross_site || !session::csrf_ok(state, &who.caller.session_id, presented) {
        return Err(PageError::Csrf);
    }
    Ok(())
}
