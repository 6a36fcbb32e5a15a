//! Patrol boxes: registering, importing, changing, retiring, and their codes
//! and sticker sheets.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Admin, Police, Supervisor};
use crate::domain::{BoxId, UnitId};
use crate::error::{ApiError, ApiResult, Problem};
use crate::json_body::JsonBody;
use crate::pagination::{Page, PageQuery};
use crate::patrol::boxes::{self, BoxListQuery, BoxView, CreateBox, ImportReport, UpdateBox};
use crate::patrol::store::{self};
use crate::patrol::{documents, render};
use crate::state::AppState;

/// Register a patrol box.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["admin"])),
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
    security(("bearer" = ["admin"])),
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
    security(("bearer" = ["officer", "supervisor", "admin"])),
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
    security(("bearer" = ["officer", "supervisor", "admin"])),
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
    security(("bearer" = ["admin"])),
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
    security(("bearer" = ["admin"])),
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
    security(("bearer" = ["admin"])),
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
    security(("bearer" = ["supervisor", "admin"])),
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

/// Printable A4 sheets of QR stickers for every active box of a unit and
/// the units below it.
#[utoipa::path(
    tag = "patrol",
    security(("bearer" = ["supervisor", "admin"])),
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
    let (code, pdf) = state
        .blocking(move |s| documents::sticker_sheet_of_unit(s, &caller.actor, unit))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"box-stickers-{code}.pdf\""),
        ))
        .body(pdf))
}
