//! Patrol plans: creating, reading, retiring, and their expected visits.

use actix_web::{HttpResponse, get, post, web};

use crate::auth::Supervisor;
use crate::domain::PlanId;
use crate::error::{ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::patrol::plans::{self, CreatePlan, ExpectedVisit, PeriodQuery, PlanListQuery, PlanView};
use crate::state::AppState;

/// Create a patrol plan.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    request_body = CreatePlan,
    responses(
        (status = 201, description = "Created", body = PlanView),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    body: JsonBody<CreatePlan>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let plan = state
        .db(move |c| plans::create(c, &caller.actor, body))
        .await?;
    Ok(HttpResponse::Created().json(plan))
}

/// Patrol plans of your units.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(PlanListQuery, PageQuery),
    responses((status = 200, description = "A page of plans", body = Page<PlanView>))
)]
#[get("/plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    query: web::Query<PlanListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<PlanView>>> {
    let (q, page) = (query.into_inner(), page.into_inner());
    Ok(web::Json(
        state
            .db(move |c| plans::list(c, &caller.actor, &q, page))
            .await?,
    ))
}

/// One plan.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = PlanView),
        (status = 404, description = "No such plan within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
) -> ApiResult<web::Json<PlanView>> {
    let id = PlanId(id.into_inner());
    Ok(web::Json(
        state.db(move |c| plans::get(c, &caller.actor, id)).await?,
    ))
}

/// Retire a plan: no windows are expected after now.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Plan id")),
    responses((status = 200, description = "The retired plan", body = PlanView))
)]
#[post("/plans/{id}/retire")]
pub async fn retire_plan(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
) -> ApiResult<web::Json<PlanView>> {
    let id = PlanId(id.into_inner());
    Ok(web::Json(
        state
            .db(move |c| plans::retire(c, &caller.actor, id))
            .await?,
    ))
}

/// The plan expanded into expected visits over a period (at most 93 days).
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Plan id"), PeriodQuery),
    responses((status = 200, description = "Expected visits", body = Vec<ExpectedVisit>))
)]
#[get("/plans/{id}/expected")]
pub async fn plan_expected(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
    period: web::Query<PeriodQuery>,
) -> ApiResult<web::Json<Vec<ExpectedVisit>>> {
    let (id, period) = (PlanId(id.into_inner()), period.into_inner());
    Ok(web::Json(
        state
            .db(move |c| plans::expected(c, &caller.actor, id, &period))
            .await?,
    ))
}
