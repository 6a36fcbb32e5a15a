//! The violation catalog: articles and legal rules in force, and loading versions.

use actix_web::{get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Caller, HqAdmin};
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::state::AppState;
use crate::tickets::catalog::{ArticleVersion, CatalogFile, LegalRule};
use crate::tickets::catalog_store::{self, ArticleQuery, LoadReport};

fn today() -> chrono::NaiveDate {
    crate::domain::time::taiwan_date(crate::db::now())
}

/// The violation articles in force on a date, with fine ranges per vehicle
/// class and the ticket kinds that may use them.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(ArticleQuery),
    responses((status = 200, description = "Articles in force", body = Vec<ArticleVersion>))
)]
#[get("/catalog/articles")]
pub async fn list_articles(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ArticleQuery>,
) -> ApiResult<web::Json<Vec<ArticleVersion>>> {
    let q = query.into_inner();
    Ok(web::Json(
        state
            .db(move |c| catalog_store::articles_on(c, &q, today()))
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RulesQuery {
    /// The date (default: today, Taiwan time).
    pub on: Option<chrono::NaiveDate>,
}

/// The legal timing rules in force on a date (deadlines, due days).
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(RulesQuery),
    responses((status = 200, description = "Rules in force", body = Vec<LegalRule>))
)]
#[get("/catalog/rules")]
pub async fn list_rules(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<RulesQuery>,
) -> ApiResult<web::Json<Vec<LegalRule>>> {
    let on = query.into_inner().on.unwrap_or_else(today);
    Ok(web::Json(
        state.db(move |c| catalog_store::rules_on(c, on)).await?,
    ))
}

/// Load catalog versions (headquarters administrators): new versions are
/// added, open versions may be closed with an end date, and loaded versions
/// are never rewritten.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = ["admin"])),
    request_body = CatalogFile,
    responses(
        (status = 200, description = "What changed", body = LoadReport),
        (status = 403, description = "Not a headquarters administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad versions, all listed; nothing loaded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/catalog")]
pub async fn load_catalog(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    body: JsonBody<CatalogFile>,
) -> ApiResult<web::Json<LoadReport>> {
    let file = body.into_inner();
    Ok(web::Json(
        state
            .db(move |c| catalog_store::load(c, &caller.actor, &file))
            .await?,
    ))
}
