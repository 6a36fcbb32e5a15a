//! Reading and verifying the audit log (headquarters administrators).

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::store::{self, AuditView, VerifyReport};
use crate::auth::HqAdmin;
use crate::error::{ApiResult, Problem};
use crate::pagination::Page;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `user`, `unit`, `session`.
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// Entries with a smaller `seq` (the `next_cursor` of the previous page).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// Audit entries, newest first.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = ["admin"])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries, newest first", body = Page<AuditView>),
        (status = 403, description = "Not a headquarters administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    // The log reaches across units: headquarters administrators only.
    HqAdmin(_caller): HqAdmin,
    query: web::Query<AuditQuery>,
) -> ApiResult<web::Json<Page<AuditView>>> {
    let q = query.into_inner();
    let limit = crate::pagination::checked_limit(q.limit)?;
    let rows = state
        .db(move |c| {
            Ok(store::list(
                c,
                q.object_type.as_deref(),
                q.object_id.as_deref(),
                q.before,
                limit + 1,
            )?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |e| e.seq)))
}

/// Walk the hash chain and report the first broken link.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Verification result", body = VerifyReport),
        (status = 403, description = "Not a headquarters administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit/verify")]
pub async fn verify_audit(
    state: web::Data<AppState>,
    // The log reaches across units: headquarters administrators only.
    HqAdmin(_caller): HqAdmin,
) -> ApiResult<web::Json<VerifyReport>> {
    let checkpoints = state.settings.data_dir.join(super::checkpoint::FILE);
    let report = state
        .db(move |c| Ok(store::verify(c, &checkpoints)?))
        .await?;
    Ok(web::Json(report))
}
