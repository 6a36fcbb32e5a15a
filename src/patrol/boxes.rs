//! Patrol boxes: create, update, retire (never delete), reissue a sticker,
//! and the signed payload of each box's QR code. Bulk import: `box_import`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::code::{self, BoxCode};
use super::store::{self, BoxChanges, BoxFilter, BoxRow, NewBox};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, BoxId, Role, UnitId};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::org::directory::UnitRow;
use crate::org::users::UnitBrief;
use crate::pagination::{Page, PageQuery};
use crate::signing::SigningKeys;

pub const DEFAULT_RADIUS_M: f64 = 30.0;

#[derive(Debug, Serialize, ToSchema)]
pub struct BoxView {
    pub id: BoxId,
    #[schema(example = "P01-S1-B001")]
    pub code: String,
    pub unit: UnitBrief,
    #[schema(example = "東門圓環巡邏箱")]
    pub name: String,
    #[schema(example = "臺南市東區東門路一段1號")]
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    /// Geofence radius in metres.
    pub radius_m: f64,
    /// Minimum stay between tap-in and tap-out (守望); absent when the box needs no dwell.
    pub min_dwell_secs: Option<i32>,
    /// Serial of the sticker now on the box.
    pub code_serial: i32,
    pub retired: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn view(b: BoxRow, unit: UnitRow) -> BoxView {
    BoxView {
        id: b.id,
        code: b.code,
        unit: UnitBrief {
            id: unit.id,
            code: unit.code,
            name: unit.name,
        },
        name: b.name,
        address: b.address,
        lat: b.lat,
        lon: b.lon,
        radius_m: b.radius_m,
        min_dwell_secs: b.min_dwell_secs,
        code_serial: b.code_serial,
        retired: b.retired_at.is_some(),
        created_at: b.created_at.and_utc(),
        updated_at: b.updated_at.and_utc(),
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBox {
    #[schema(example = "P01-S1-B001")]
    pub code: String,
    pub unit_id: UnitId,
    #[schema(example = "東門圓環巡邏箱")]
    pub name: String,
    #[schema(example = "臺南市東區東門路一段1號")]
    pub address: String,
    #[schema(example = 22.9917)]
    pub lat: f64,
    #[schema(example = 120.2047)]
    pub lon: f64,
    /// Geofence radius, 5–1000 m (default 30).
    pub radius_m: Option<f64>,
    /// Minimum stay for tap-in/tap-out boxes, 1–7200 s.
    pub min_dwell_secs: Option<i32>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBox {
    pub unit_id: Option<UnitId>,
    pub name: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub radius_m: Option<f64>,
    /// 0 removes the dwell requirement.
    pub min_dwell_secs: Option<i32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoxListQuery {
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub include_retired: bool,
}

pub(super) fn ensure_admin(actor: &Actor) -> ApiResult<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden("role_not_allowed"))
    }
}

/// The unit, if the actor reaches it; `field` names it in errors.
fn reachable_unit(conn: &mut DbConn, actor: &Actor, id: UnitId, field: &str) -> ApiResult<UnitRow> {
    match crate::org::directory::unit_by_id(conn, id)? {
        Some(u) if actor.reaches(&u.path) => Ok(u),
        Some(_) => Err(ApiError::Forbidden("outside_your_units")),
        None => Err(ApiError::field(field, "not_found", "no such unit")),
    }
}

pub(super) fn insert(conn: &mut DbConn, actor: &Actor, input: &CreateBox) -> ApiResult<BoxId> {
    let at = now();
    let id = store::insert_box(
        conn,
        &NewBox {
            code: input.code.clone(),
            unit_id: input.unit_id,
            name: input.name.clone(),
            address: input.address.clone(),
            lat: input.lat,
            lon: input.lon,
            radius_m: input.radius_m.unwrap_or(DEFAULT_RADIUS_M),
            min_dwell_secs: input.min_dwell_secs,
            code_serial: 1,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(ApiError::unique_as(
        "code_taken",
        format!("box code {} is already used", input.code),
    ))?;
    crate::audit::append(
        conn,
        actor
            .audit("box.create", "patrol_box")
            .object(id)
            .unit(input.unit_id)
            .details(serde_json::json!({"code": input.code, "lat": input.lat, "lon": input.lon, "radius_m": input.radius_m})),
    )?;
    Ok(id)
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: CreateBox) -> ApiResult<BoxView> {
    ensure_admin(actor)?;
    let mut errors = FieldErrors::new();
    let input = validate_new(&input, "", &mut errors);
    errors.into_result(())?;
    write_txn(conn, |conn| {
        reachable_unit(conn, actor, input.unit_id, "unit_id")?;
        let id = insert(conn, actor, &input)?;
        get(conn, actor, id)
    })
}

/// A box the actor reaches; one outside is "not found".
pub fn get_reachable(conn: &mut DbConn, actor: &Actor, id: BoxId) -> ApiResult<(BoxRow, UnitRow)> {
    match store::box_with_unit(conn, id)? {
        Some((b, u)) if actor.reaches(&u.path) => Ok((b, u)),
        _ => Err(ApiError::NotFound("patrol box")),
    }
}

pub fn get(conn: &mut DbConn, actor: &Actor, id: BoxId) -> ApiResult<BoxView> {
    let (b, u) = get_reachable(conn, actor, id)?;
    Ok(view(b, u))
}

pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    q: &BoxListQuery,
    page: PageQuery,
) -> ApiResult<Page<BoxView>> {
    let rows = store::list_boxes(
        conn,
        &BoxFilter {
            within_path: actor.unit_path.as_deref(),
            unit_id: q.unit_id.map(UnitId),
            include_retired: q.include_retired,
            after: page.after,
            limit: page.limit()?,
        },
    )?;
    let views: Vec<BoxView> = rows.into_iter().map(|(b, u)| view(b, u)).collect();
    Ok(Page::from_rows(views, page.limit()?, |b| b.id.0))
}

/// Every active box of a unit and the units below it, in code order.
pub fn all_within(conn: &mut DbConn, actor: &Actor, unit: UnitId) -> ApiResult<Vec<BoxView>> {
    let unit = reachable_unit(conn, actor, unit, "unit_id")?;
    let rows = store::list_boxes(
        conn,
        &BoxFilter {
            within_path: Some(&unit.path),
            unit_id: None,
            include_retired: false,
            after: None,
            limit: 100_000,
        },
    )?;
    let mut views: Vec<BoxView> = rows.into_iter().map(|(b, u)| view(b, u)).collect();
    views.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(views)
}

pub fn update(conn: &mut DbConn, actor: &Actor, id: BoxId, input: UpdateBox) -> ApiResult<BoxView> {
    ensure_admin(actor)?;
    let mut errors = FieldErrors::new();
    let mut changes = BoxChanges {
        updated_at: Some(now()),
        ..Default::default()
    };
    if let Some(name) = &input.name {
        changes.name = Some(check_text(name, "name", 100, &mut errors));
    }
    if let Some(address) = &input.address {
        changes.address = Some(check_text(address, "address", 200, &mut errors));
    }
    if let Some(lat) = input.lat {
        check_lat(lat, "lat", &mut errors);
        changes.lat = Some(lat);
    }
    if let Some(lon) = input.lon {
        check_lon(lon, "lon", &mut errors);
        changes.lon = Some(lon);
    }
    if let Some(r) = input.radius_m {
        check_radius(r, "radius_m", &mut errors);
        changes.radius_m = Some(r);
    }
    if let Some(d) = input.min_dwell_secs {
        check_dwell(d, "min_dwell_secs", true, &mut errors);
        changes.min_dwell_secs = Some((d > 0).then_some(d));
    }
    errors.into_result(())?;
    write_txn(conn, |conn| {
        let (before, _) = get_reachable(conn, actor, id)?;
        if before.retired_at.is_some() {
            return Err(ApiError::conflict(
                "box_retired",
                "a retired box cannot be changed",
            ));
        }
        if let Some(unit) = input.unit_id {
            reachable_unit(conn, actor, unit, "unit_id")?;
            changes.unit_id = Some(unit);
        }
        store::update_box(conn, id, &changes)?;
        crate::audit::append(
            conn,
            actor
                .audit("box.update", "patrol_box")
                .object(id)
                .unit(changes.unit_id.unwrap_or(before.unit_id))
                .details(serde_json::json!({
                    "before": {"unit_id": before.unit_id, "name": before.name, "address": before.address,
                               "lat": before.lat, "lon": before.lon, "radius_m": before.radius_m,
                               "min_dwell_secs": before.min_dwell_secs},
                    "changes": {"unit_id": input.unit_id, "name": input.name, "address": input.address,
                                "lat": input.lat, "lon": input.lon, "radius_m": input.radius_m,
                                "min_dwell_secs": input.min_dwell_secs},
                })),
        )?;
        get(conn, actor, id)
    })
}

/// Retires a box: its sticker stops working; its check-ins stay.
pub fn retire(conn: &mut DbConn, actor: &Actor, id: BoxId) -> ApiResult<BoxView> {
    ensure_admin(actor)?;
    write_txn(conn, |conn| {
        let (b, _) = get_reachable(conn, actor, id)?;
        if b.retired_at.is_none() {
            let at = now();
            store::update_box(
                conn,
                id,
                &BoxChanges {
                    retired_at: Some(Some(at)),
                    updated_at: Some(at),
                    ..Default::default()
                },
            )?;
            crate::audit::append(
                conn,
                actor
                    .audit("box.retire", "patrol_box")
                    .object(id)
                    .unit(b.unit_id),
            )?;
        }
        get(conn, actor, id)
    })
}

/// Voids the box's current sticker and issues a new one (a new serial).
pub fn reissue_code(conn: &mut DbConn, actor: &Actor, id: BoxId) -> ApiResult<BoxView> {
    ensure_admin(actor)?;
    write_txn(conn, |conn| {
        let (b, _) = get_reachable(conn, actor, id)?;
        if b.retired_at.is_some() {
            return Err(ApiError::conflict(
                "box_retired",
                "a retired box gets no new code",
            ));
        }
        store::update_box(
            conn,
            id,
            &BoxChanges {
                code_serial: Some(b.code_serial + 1),
                updated_at: Some(now()),
                ..Default::default()
            },
        )?;
        crate::audit::append(
            conn,
            actor
                .audit("box.reissue_code", "patrol_box")
                .object(id)
                .unit(b.unit_id)
                .details(serde_json::json!({"serial": b.code_serial + 1})),
        )?;
        get(conn, actor, id)
    })
}

/// The payload printed in the box's QR code, signed with `key_version`
/// (the current one: see [`store::current_key_version`]). Stickers printed
/// under an older version keep working until that version is retired.
pub fn payload(keys: &SigningKeys, b: &BoxView, key_version: i32) -> String {
    code::sign(
        keys,
        &BoxCode {
            box_id: b.id,
            serial: b.code_serial,
            key_version,
        },
    )
}

pub use super::box_import::{ImportReport, import_csv};
pub use super::box_rules::validate_new;
use super::box_rules::{check_dwell, check_lat, check_lon, check_radius, check_text};
