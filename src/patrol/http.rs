//! Patrol endpoints: boxes, codes, check-ins, plans, coverage.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::boxes::{self, BoxListQuery, BoxView, CreateBox, ImportReport, UpdateBox};
use super::checkin::{
    self, BatchRequest, BatchResponse, CheckinInput, CheckinResult, CheckinView, Outcome, Upload,
};
use super::coverage::{self, CoverageQuery, CoverageReport, ReportFormat};
use super::plans::{self, CreatePlan, ExpectedVisit, PeriodQuery, PlanListQuery, PlanView};
use super::review::{self, ReviewInput, ReviewView};
use super::store::{self, CheckinFilter};
use super::{documents, render};
use crate::auth::{Admin, Police, Supervisor};
use crate::db::write_txn;
use crate::domain::{BoxId, CheckinId, PlanId, Role, UnitId, UserId};
use crate::error::{ApiError, ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::state::AppState;

/// Register a patrol box.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    request_body = CreateBox,
    responses(
        (status = 201, description = "Created", body = BoxView),
        (status = 403, description = "Not an administrator of that unit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already used (`code_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/boxes")]
pub async fn create_box(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    body: JsonBody<CreateBox>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let b = state
        .db(move |c| boxes::create(c, &caller.actor, body))
        .await?;
    Ok(HttpResponse::Created().json(b))
}

/// Import boxes from CSV (`code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs`).
/// Every bad row is reported as `rows[N].field`; if any row is bad nothing is imported.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", example = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\nP01-S1-B001,P01-S1,東門圓環,東門路一段1號,22.9917,120.2047,30,\n"),
    responses(
        (status = 201, description = "All rows imported", body = ImportReport),
        (status = 422, description = "Bad rows, all listed; nothing imported", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/boxes/import")]
pub async fn import_boxes(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let report = state
        .db(move |c| boxes::import_csv(c, &caller.actor, &body, &|_, _| {}))
        .await?;
    Ok(HttpResponse::Created().json(report))
}

/// Patrol boxes within your reach.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(BoxListQuery, PageQuery),
    responses((status = 200, description = "A page of boxes", body = Page<BoxView>))
)]
#[get("/boxes")]
pub async fn list_boxes(
    state: web::Data<AppState>,
    Police(caller): Police,
    query: web::Query<BoxListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<BoxView>>> {
    let (query, page) = (query.into_inner(), page.into_inner());
    Ok(web::Json(
        state
            .db(move |c| boxes::list(c, &caller.actor, &query, page))
            .await?,
    ))
}

/// One patrol box.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Box id")),
    responses(
        (status = 200, description = "The box", body = BoxView),
        (status = 404, description = "No such box within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/boxes/{id}")]
pub async fn get_box(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<i64>,
) -> ApiResult<web::Json<BoxView>> {
    let id = BoxId(id.into_inner());
    Ok(web::Json(
        state.db(move |c| boxes::get(c, &caller.actor, id)).await?,
    ))
}

/// Change a box's name, address, unit, position, radius or dwell.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Box id")),
    request_body = UpdateBox,
    responses(
        (status = 200, description = "The changed box", body = BoxView),
        (status = 409, description = "The box is retired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/boxes/{id}")]
pub async fn update_box(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    id: web::Path<i64>,
    body: JsonBody<UpdateBox>,
) -> ApiResult<web::Json<BoxView>> {
    let (id, body) = (BoxId(id.into_inner()), body.into_inner());
    Ok(web::Json(
        state
            .db(move |c| boxes::update(c, &caller.actor, id, body))
            .await?,
    ))
}

/// Retire a box (boxes are never deleted; its check-ins stay).
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Box id")),
    responses((status = 200, description = "The retired box", body = BoxView))
)]
#[post("/boxes/{id}/retire")]
pub async fn retire_box(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    id: web::Path<i64>,
) -> ApiResult<web::Json<BoxView>> {
    let id = BoxId(id.into_inner());
    Ok(web::Json(
        state
            .db(move |c| boxes::retire(c, &caller.actor, id))
            .await?,
    ))
}

/// Void the box's sticker and issue a new code (e.g. after the old one was photographed).
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Box id")),
    responses((status = 200, description = "The box with its new code serial", body = BoxView))
)]
#[post("/boxes/{id}/reissue-code")]
pub async fn reissue_box_code(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    id: web::Path<i64>,
) -> ApiResult<web::Json<BoxView>> {
    let id = BoxId(id.into_inner());
    Ok(web::Json(
        state
            .db(move |c| boxes::reissue_code(c, &caller.actor, id))
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrQuery {
    /// `svg` (default) or `png`.
    #[param(inline)]
    pub format: Option<QrFormat>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QrFormat {
    #[default]
    Svg,
    Png,
}

/// The box's QR code, to print on its sticker.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Box id"), QrQuery),
    responses(
        (status = 200, description = "The QR code", content(
            (String = "image/svg+xml"),
            (Vec<u8> = "image/png"),
        )),
        (status = 400, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The box is retired (`box_retired`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/boxes/{id}/qr")]
pub async fn box_qr(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
    query: web::Query<QrQuery>,
) -> ApiResult<HttpResponse> {
    let id = BoxId(id.into_inner());
    let format = query.into_inner().format.unwrap_or_default();
    let keys = state.signing_keys.clone();
    let (payload, content_type, bytes) = state
        .blocking(move |s| {
            let mut conn = s.conn()?;
            let b = boxes::get(&mut conn, &caller.actor, id)?;
            if b.retired {
                // A code for a retired box would only be refused when scanned.
                return Err(ApiError::conflict(
                    "box_retired",
                    "a retired box gets no code; reactivate or replace it",
                ));
            }
            let version = store::current_key_version(&mut conn)?;
            drop(conn);
            let payload = boxes::payload(&keys, &b, version);
            Ok(match format {
                QrFormat::Png => (payload.clone(), "image/png", render::png(&payload, 8)?),
                QrFormat::Svg => (
                    payload.clone(),
                    "image/svg+xml",
                    render::svg(&payload)?.into_bytes(),
                ),
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("X-Box-Payload", payload))
        .body(bytes))
}

/// Check in at a patrol box (online scan).
///
/// The answer is `accepted` or `flagged` with machine-readable flags; a
/// forged, altered, superseded or unknown code is refused (422). Sending the
/// same `client_id` again returns the first answer (200, `replayed`).
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    request_body = CheckinInput,
    responses(
        (status = 201, description = "Recorded", body = CheckinResult),
        (status = 200, description = "Already recorded: the first answer again", body = CheckinResult),
        (status = 422, description = "Refused: `bad_signature`, `malformed_code`, `unknown_box`, `box_retired`, `code_superseded`, `code_key_retired`, `client_id_conflict`, `validation_failed`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/checkins")]
pub async fn create_checkin(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<CheckinInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let keys = state.signing_keys.clone();
    let result = state
        .db(move |c| {
            let mut up = Upload::new(&caller.actor, caller.user_id, &keys, None);
            write_txn(c, |c| {
                up.prefetch(c, std::slice::from_ref(&input.client_id))?;
                let result = checkin::record(c, &mut up, &input)?;
                up.finish(c)?;
                Ok(result)
            })
        })
        .await?;
    if result.result == Outcome::Rejected {
        let error = result.error.clone();
        let (code, message, errors) = error
            .map(|e| (e.code, e.message, e.errors))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        if code == "client_id_conflict" {
            return Err(ApiError::conflict("client_id_conflict", message));
        }
        return Err(ApiError::Rejected {
            code,
            detail: message,
        });
    }
    Ok(if result.replayed {
        HttpResponse::Ok().json(result)
    } else {
        HttpResponse::Created().json(result)
    })
}

/// Upload queued offline check-ins (up to 1000), answered item by item.
///
/// The whole batch is committed before the answer; sending the same batch
/// again changes nothing and returns the same results, marked `replayed`.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One result per item, in order", body = BatchResponse),
        (status = 422, description = "No items, or more than 1000", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/checkins/batch")]
pub async fn batch_checkins(
    state: web::Data<AppState>,
    Police(caller): Police,
    body: JsonBody<BatchRequest>,
) -> ApiResult<web::Json<BatchResponse>> {
    let body = body.into_inner();
    if body.items.is_empty() || body.items.len() > checkin::MAX_BATCH {
        return Err(ApiError::field(
            "items",
            "count",
            format!("1 to {} items", checkin::MAX_BATCH),
        ));
    }
    let keys = state.signing_keys.clone();
    let response = state
        .db(move |c| {
            let mut up = Upload::new(
                &caller.actor,
                caller.user_id,
                &keys,
                body.sent_monotonic.clone(),
            );
            write_txn(c, |c| checkin::record_batch(c, &mut up, &body.items))
        })
        .await?;
    Ok(web::Json(response))
}

/// What a stored check-in is: counted, or waiting for a supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckinStatus {
    Accepted,
    Flagged,
}

impl CheckinStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinStatus::Accepted => "accepted",
            CheckinStatus::Flagged => "flagged",
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckinListQuery {
    pub officer_id: Option<i64>,
    pub box_id: Option<i64>,
    /// `accepted` or `flagged`.
    #[param(inline)]
    pub status: Option<CheckinStatus>,
    /// From this instant (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this instant (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// Check-ins: officers see their own, supervisors those at boxes of their units.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(CheckinListQuery, PageQuery),
    responses((status = 200, description = "A page of check-ins", body = Page<CheckinView>))
)]
#[get("/checkins")]
pub async fn list_checkins(
    state: web::Data<AppState>,
    Police(caller): Police,
    query: web::Query<CheckinListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<CheckinView>>> {
    let (q, page) = (query.into_inner(), page.into_inner());
    let own_only = caller.role() == Role::Officer;
    let result = state
        .db(move |c| {
            let officer = if own_only {
                Some(caller.user_id)
            } else {
                q.officer_id.map(UserId)
            };
            let rows = store::list_checkins(
                c,
                &CheckinFilter {
                    within_path: if own_only {
                        None
                    } else {
                        caller.actor.unit_path.as_deref()
                    },
                    officer_id: officer,
                    box_id: q.box_id.map(BoxId),
                    status: q.status.map(CheckinStatus::as_str),
                    from: q.from.map(|t| t.naive_utc()),
                    to: q.to.map(|t| t.naive_utc()),
                    after: page.after,
                    limit: page.limit()?,
                },
            )?;
            let views = rows.into_iter().map(checkin::checkin_view).collect();
            Ok(Page::from_rows(views, page.limit()?, |v: &CheckinView| {
                v.id.0
            }))
        })
        .await?;
    Ok(web::Json(result))
}

/// One check-in.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Check-in id")),
    responses(
        (status = 200, description = "The check-in", body = CheckinView),
        (status = 404, description = "Not yours, or not within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/checkins/{id}")]
pub async fn get_checkin(
    state: web::Data<AppState>,
    Police(caller): Police,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CheckinView>> {
    let id = CheckinId(id.into_inner());
    let view = state
        .db(move |c| {
            let (row, unit) =
                store::checkin_with_unit(c, id)?.ok_or(ApiError::NotFound("checkin"))?;
            let visible = if caller.role() == Role::Officer {
                row.officer_id == caller.user_id
            } else {
                caller.actor.reaches(&unit.path)
            };
            if !visible {
                return Err(ApiError::NotFound("checkin"));
            }
            checkin::checkin_views(c, vec![row])?
                .pop()
                .ok_or(ApiError::NotFound("checkin"))
        })
        .await?;
    Ok(web::Json(view))
}

/// Create a patrol plan.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
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
    security(("bearer" = [])),
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
    security(("bearer" = [])),
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
    security(("bearer" = [])),
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
    security(("bearer" = [])),
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

/// Coverage audit of a unit over a period (at most 93 days): per box and
/// per officer, expected, on time, late, missed, flagged; and every miss.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(CoverageQuery),
    responses(
        (status = 200, description = "The report", content(
            (CoverageReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/coverage")]
pub async fn coverage_report(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    query: web::Query<CoverageQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let period = PeriodQuery {
        from: q.from,
        to: q.to,
    };
    let unit = UnitId(q.unit_id);
    let report = state
        .db(move |c| coverage::report(c, &caller.actor, unit, &period))
        .await?;
    Ok(match q.format {
        ReportFormat::Json => HttpResponse::Ok().json(report),
        ReportFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!(
                    "attachment; filename=\"coverage-{}-{}-{}.csv\"",
                    report.unit.code, report.from, report.to
                ),
            ))
            .body(coverage::to_csv(&report)?),
        ReportFormat::Pdf => {
            let name = format!(
                "coverage-{}-{}-{}.pdf",
                report.unit.code, report.from, report.to
            );
            let pdf = web::block(move || documents::coverage_pdf(&report)).await??;
            HttpResponse::Ok()
                .content_type("application/pdf")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(pdf)
        }
    })
}

/// Printable A4 sheets of QR stickers for every active box of a unit and
/// the units below it.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The sticker sheets", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such unit within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}/box-stickers")]
pub async fn box_stickers(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let unit = UnitId(id.into_inner());
    let keys = state.signing_keys.clone();
    let (code, pdf) = state
        .blocking(move |s| {
            let (unit, boxes, version) = {
                let mut conn = s.conn()?;
                let unit = crate::org::units::get(&mut conn, &caller.actor, unit)?;
                let boxes = boxes::all_within(&mut conn, &caller.actor, unit.id)?;
                (unit, boxes, store::current_key_version(&mut conn)?)
            };
            Ok((
                unit.code.clone(),
                documents::sticker_sheet(&keys, version, &unit.name, &boxes)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"box-stickers-{code}.pdf\""),
        ))
        .body(pdf))
}

/// Review a flagged check-in: `accept` makes it count towards coverage,
/// `reject` confirms it does not. The check-in itself never changes; the
/// latest review stands. Nobody reviews their own check-in.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Check-in id")),
    request_body = ReviewInput,
    responses(
        (status = 201, description = "Recorded", body = ReviewView),
        (status = 403, description = "Own check-in, or not a supervisor", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The check-in is not flagged (`not_flagged`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/checkins/{id}/review")]
pub async fn review_checkin(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<i64>,
    body: JsonBody<ReviewInput>,
) -> ApiResult<HttpResponse> {
    let (id, body) = (CheckinId(id.into_inner()), body.into_inner());
    let view = state
        .db(move |c| review::review(c, &caller.actor, id, body))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Versions of the key that signs box codes.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    responses((status = 200, description = "Key versions", body = Vec<super::keys::KeyVersion>))
)]
#[get("/box-code-keys")]
pub async fn list_box_code_keys(
    state: web::Data<AppState>,
    Admin(caller): Admin,
) -> ApiResult<web::Json<Vec<super::keys::KeyVersion>>> {
    Ok(web::Json(
        state
            .db(move |c| super::keys::list(c, &caller.actor))
            .await?,
    ))
}

/// Start a new key version (headquarters administrators): stickers printed
/// from now on carry it; stickers already on boxes keep working until their
/// version is retired.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Key versions, the new one current", body = Vec<super::keys::KeyVersion>),
        (status = 403, description = "Not a headquarters administrator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/box-code-keys")]
pub async fn rotate_box_code_key(
    state: web::Data<AppState>,
    Admin(caller): Admin,
) -> ApiResult<HttpResponse> {
    let list = state
        .db(move |c| {
            super::keys::rotate(c, &caller.actor)?;
            super::keys::list(c, &caller.actor)
        })
        .await?;
    Ok(HttpResponse::Created().json(list))
}

/// Retire a key version: stickers signed with it stop working. The current
/// version cannot be retired.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = [])),
    params(("version" = i32, Path, description = "Key version")),
    responses(
        (status = 200, description = "Key versions", body = Vec<super::keys::KeyVersion>),
        (status = 409, description = "The current version (`current_key`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/box-code-keys/{version}/retire")]
pub async fn retire_box_code_key(
    state: web::Data<AppState>,
    Admin(caller): Admin,
    version: web::Path<i32>,
) -> ApiResult<web::Json<Vec<super::keys::KeyVersion>>> {
    let version = version.into_inner();
    Ok(web::Json(
        state
            .db(move |c| {
                super::keys::retire(c, &caller.actor, version)?;
                super::keys::list(c, &caller.actor)
            })
            .await?,
    ))
}
