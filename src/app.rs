//! Builds the actix application: every route on one screen, middleware,
//! shared state, and the OpenAPI document generated from the same routes.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};

use crate::error::{ApiError, FieldError, Problem, json_error, path_error, query_error};
use crate::startup::Node;
use crate::{
    audit, auth, cases, contracts, ops, org, patrol, quality, registry, tickets, transfer,
};

pub use crate::json_body::JSON_LIMIT;

/// Console forms carry whole CSV files (boxes, a registry extract) and the
/// catalog, up to the size a JSON body may have; larger extracts go through
/// `epatrol import`.
const CONSOLE_FORM_LIMIT: usize = JSON_LIMIT;

fn routes(cfg: &mut ServiceConfig) {
    cfg.service(ops::healthz)
        .service(tickets::http::verify::verify_ticket)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(
            scope::scope("/api/v1")
                .service(auth::http::login)
                .service(auth::http::refresh)
                .service(auth::http::logout)
                .service(auth::http::me)
                .service(auth::http::change_password)
                .service(org::http::create_unit)
                .service(org::http::list_units)
                .service(org::http::get_unit)
                .service(org::http::disable_unit)
                .service(org::http::enable_unit)
                .service(org::http::create_user)
                .service(org::http::list_users)
                .service(org::http::get_user)
                .service(org::http::disable_user)
                .service(org::http::enable_user)
                .service(org::http::reset_password)
                .service(org::http::create_vendor)
                .service(org::http::list_vendors)
                .service(contracts::http::create_contract)
                .service(contracts::http::list_contracts)
                .service(contracts::http::vendor_statement_csv)
                .service(contracts::http::vendor_statement_pdf)
                .service(contracts::http::vendor_statement)
                .service(patrol::http::boxes::create_box)
                .service(patrol::http::boxes::import_boxes)
                .service(patrol::http::boxes::list_boxes)
                .service(patrol::http::boxes::get_box)
                .service(patrol::http::boxes::update_box)
                .service(patrol::http::boxes::retire_box)
                .service(patrol::http::boxes::reissue_box_code)
                .service(patrol::http::boxes::box_qr)
                .service(patrol::http::keys::list_box_code_keys)
                .service(patrol::http::keys::rotate_box_code_key)
                .service(patrol::http::keys::retire_box_code_key)
                .service(patrol::http::checkins::create_checkin)
                .service(patrol::http::checkins::batch_checkins)
                .service(patrol::http::checkins::list_checkins)
                .service(patrol::http::checkins::get_checkin)
                .service(patrol::http::reviews::review_checkin)
                .service(patrol::http::plans::create_plan)
                .service(patrol::http::plans::list_plans)
                .service(patrol::http::plans::get_plan)
                .service(patrol::http::plans::retire_plan)
                .service(patrol::http::plans::plan_expected)
                .service(patrol::http::coverage::coverage_report)
                .service(patrol::http::coverage::coverage_csv)
                .service(patrol::http::coverage::coverage_pdf)
                .service(patrol::http::boxes::box_stickers)
                .service(tickets::http::catalog::list_articles)
                .service(tickets::http::catalog::list_rules)
                .service(tickets::http::catalog::load_catalog)
                .service(tickets::http::tickets::check_ticket)
                .service(tickets::http::tickets::issue_ticket)
                .service(tickets::http::tickets::list_tickets)
                .service(tickets::http::tickets::get_ticket)
                .service(tickets::http::tickets::void_ticket)
                .service(tickets::http::tickets::print_ticket)
                .service(tickets::http::tickets::correct_ticket)
                .service(tickets::http::tickets::record_delivery)
                .service(tickets::http::blocks::allot_block)
                .service(tickets::http::blocks::list_blocks)
                .service(registry::http::import_registry)
                .service(registry::http::lookup_plate)
                .service(cases::http::cases::receive_case)
                .service(cases::http::cases::list_cases)
                .service(cases::http::cases::case_accounting)
                .service(cases::http::cases::get_case)
                .service(cases::http::evidence::upload_evidence)
                .service(cases::http::evidence::get_evidence)
                .service(cases::http::queues::claim_next)
                .service(cases::http::queues::release_case)
                .service(cases::http::steps::key_case)
                .service(cases::http::steps::verify_case)
                .service(cases::http::steps::resolve_case)
                .service(cases::http::steps::approve_case)
                .service(cases::http::steps::send_back_case)
                .service(cases::http::steps::close_case)
                .service(transfer::http::create_batch)
                .service(transfer::http::list_batches)
                .service(transfer::http::batch_file)
                .service(transfer::http::receipt_batch)
                .service(transfer::http::import_rejections)
                .service(quality::http::error_rate_report)
                .service(quality::http::error_rate_csv)
                .service(quality::http::near_miss_report)
                .service(quality::http::near_miss_csv)
                .service(quality::http::monthly_report)
                .service(quality::http::turnaround::turnaround_report)
                .service(quality::http::turnaround::turnaround_csv)
                .service(quality::http::enforcement::enforcement_report)
                .service(quality::http::enforcement::enforcement_csv)
                .service(audit::http::list_audit)
                .service(audit::http::verify_audit),
        );
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "epatrol",
        description = "Backend of the M-Police handhelds: patrol sign-in (電子巡簽), \
electronic traffic tickets (電子舉發單) and outsourced ticket processing (委外製單). \
Errors are RFC 9457 problem details with a stable `code`.",
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "auth", description = "Sign-in, tokens, the caller"),
        (name = "org", description = "Units, accounts, vendors"),
        (name = "patrol", description = "Patrol boxes, check-ins, plans, coverage (電子巡簽)"),
        (name = "tickets", description = "Electronic traffic tickets (電子舉發單): the violation catalog"),
        (name = "cases", description = "Camera cases and citizen reports keyed into tickets under one keying, two verifications (委外製單, 一打二驗)"),
        (name = "registry", description = "The vehicle registry (車籍)"),
        (name = "transfer", description = "Tickets sent to the motor vehicles office in receipted batches; its rejections"),
        (name = "quality", description = "Ticket error rate against the 0.1% target, near misses, turnaround, enforcement of the seven major violations"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "ops", description = "Probes and metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document of exactly the routes the app serves, as JSON.
pub fn openapi() -> serde_json::Value {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    crate::api_document::add_common_answers(api)
}

async fn route_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound)
}

pub fn build(
    node: Node,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    crate::json_body::use_document(openapi);
    let (app, _) = App::new()
        .into_utoipa_app()
        .app_data(web::Data::new(node.state))
        .app_data(web::Data::from(node.checkins))
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT)
                .error_handler(json_error),
        )
        .app_data(web::PayloadConfig::new(JSON_LIMIT))
        .app_data(web::FormConfig::default().limit(CONSOLE_FORM_LIMIT))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .configure(routes)
        .split_for_parts();
    app.configure(crate::console::configure)
        .default_service(web::to(route_not_found))
        .wrap(actix_web::middleware::from_fn(
            crate::console::error_pages::with_navigation,
        ))
        .wrap(actix_web::middleware::from_fn(
            crate::console::htmx::whole_page_redirects,
        ))
        .wrap(actix_web::middleware::from_fn(
            crate::console::tiles::allow_tile_server,
        ))
        .wrap(actix_web::middleware::from_fn(
            crate::problem_fallback::ensure_problems,
        ))
        .wrap(actix_web::middleware::from_fn(
            crate::security_headers::secure,
        ))
        .wrap(actix_web::middleware::from_fn(crate::telemetry::observe))
}
