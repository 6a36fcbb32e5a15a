//! Liveness, readiness and metrics for the operators' probes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, Fault, Problem};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "ops", responses((status = 200, description = "Up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Ready for writes: the database answers and the data dir's disk has
/// room. Otherwise 503 with the condition's code (`database_unavailable`,
/// `storage_full`) and `Retry-After`, so a balancer sends the writes
/// elsewhere before they fail.
#[utoipa::path(
    tag = "ops",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Not ready: `database_unavailable` or `storage_full`, with `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    let pool = state.pool.clone();
    web::block(move || crate::db::ping(&pool))
        .await?
        .map_err(|e| ApiError::Fault(Fault::DatabaseUnavailable, format!("readiness: {e:#}")))?;
    let dir = state.settings.data_dir.clone();
    let least = state.settings.min_free_disk_mb;
    if let Some(free) = free_mb(&dir)
        && free < least
    {
        return Err(ApiError::Fault(
            Fault::StorageFull,
            format!("{free} MB free in {}, below {least} MB", dir.display()),
        ));
    }
    Ok(web::Json(Health { status: "ok" }))
}

/// Megabytes free to this process on the disk holding `dir`; `None` where
/// the system cannot say.
pub fn free_mb(dir: &std::path::Path) -> Option<u64> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize) / (1024 * 1024))
}

/// Prometheus metrics in the text exposition format. On the API listener
/// they need `Authorization: Bearer` with `EPATROL_METRICS_TOKEN`, and are
/// not served at all without one; `EPATROL_METRICS_BIND` serves them on a
/// listener of their own instead.
#[utoipa::path(
    tag = "ops",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "Metrics", body = String, content_type = "text/plain"),
        (status = 401, description = "Missing or wrong metrics token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No metrics token is configured", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let Some(token) = &state.settings.metrics_token else {
        return Err(ApiError::NotFound("metrics"));
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !crate::signing::constant_time_eq(presented.as_bytes(), token.expose()) {
        return Err(ApiError::Unauthorized("invalid_metrics_token"));
    }
    Ok(metrics_text())
}

/// The metrics answer, for the API route and the metrics listener.
pub fn metrics_text() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::telemetry::METRICS.render())
}
