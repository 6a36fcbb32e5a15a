//! Registry endpoints: import an extract, look a plate up.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::import::{self, RegistryImportReport};
use super::store;
use crate::auth::{HqAdmin, Supervisor};
use crate::db::now;
use crate::domain::time::taiwan_date;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::tickets::plate::{VehicleClass, normalise};

/// Import a registry extract as CSV
/// (`plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from`).
/// Every bad row is reported as `rows[N].field`; if any row is bad nothing
/// is imported. Newer records replace older ones from their effective date.
#[utoipa::path(
    tag = "registry",
    security(("bearer" = ["admin"])),
    request_body(content = String, content_type = "text/csv", example = "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\nABC-1234,car,TOYOTA,白,陳車主,F131104093,臺南市北區公園路1號,2024-01-01\n"),
    responses(
        (status = 201, description = "All rows imported", body = RegistryImportReport),
        (status = 422, description = "Bad rows, all listed; nothing imported", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registry/import")]
pub async fn import_registry(
    state: web::Data<AppState>,
    HqAdmin(caller): HqAdmin,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let report = state
        .db(move |c| import::import_csv(c, &caller.actor, &body, &|_, _| {}))
        .await?;
    Ok(HttpResponse::Created().json(report))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistryQuery {
    /// The day the record must be in force (default: today, Taiwan).
    pub on: Option<NaiveDate>,
    /// Which class's record: one plate may be registered in two classes.
    /// Needed only when it is.
    pub vehicle_class: Option<VehicleClass>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryRecord {
    pub plate: String,
    pub vehicle_class: VehicleClass,
    pub make: String,
    pub colour: String,
    pub owner_name: String,
    pub owner_national_id: String,
    pub owner_address: String,
    pub effective_from: NaiveDate,
}

/// The registry record of a plate in force on a day (police supervisors
/// and administrators: it holds the owner's personal data).
#[utoipa::path(
    tag = "registry",
    security(("bearer" = ["supervisor", "admin"])),
    params(("plate" = String, Path, description = "The plate, e.g. ABC-1234"), RegistryQuery),
    responses(
        (status = 200, description = "The record in force", body = RegistryRecord),
        (status = 404, description = "Not registered on that day", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`plate_in_several_classes`: give vehicle_class", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registry/{plate}")]
pub async fn lookup_plate(
    state: web::Data<AppState>,
    Supervisor(_caller): Supervisor,
    plate: web::Path<String>,
    query: web::Query<RegistryQuery>,
) -> ApiResult<web::Json<RegistryRecord>> {
    let plate = normalise(&plate.into_inner());
    if plate.is_empty() || plate.chars().count() > 12 {
        return Err(ApiError::NotFound("vehicle"));
    }
    let RegistryQuery { on, vehicle_class } = query.into_inner();
    let mut rows = state
        .db(move |c| {
            let day = on.unwrap_or_else(|| taiwan_date(now()));
            Ok(store::in_force_by_class(c, &plate, day)?)
        })
        .await?;
    rows.retain(|r| vehicle_class.is_none_or(|c| r.vehicle_class == c));
    if rows.len() > 1 {
        return Err(ApiError::conflict(
            "plate_in_several_classes",
            "this plate is registered in several vehicle classes: say which with vehicle_class",
        ));
    }
    let row = rows.pop().ok_or(ApiError::NotFound("vehicle"))?;
    Ok(web::Json(RegistryRecord {
        plate: row.plate,
        vehicle_class: row.vehicle_class,
        make: row.make,
        colour: row.colour,
        owner_name: row.owner_name,
        owner_national_id: row.owner_national_id,
        owner_address: row.owner_address,
        effective_from: row.effective_from,
    }))
}
