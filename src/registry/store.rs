//! Queries on the vehicle registry.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::vehicle_registry;
use crate::tickets::plate::VehicleClass;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = vehicle_registry)]
pub struct RegistryRow {
    pub id: i64,
    pub plate: String,
    pub vehicle_class: VehicleClass,
    pub make: String,
    pub colour: String,
    pub owner_name: String,
    pub owner_national_id: String,
    pub owner_address: String,
    pub effective_from: NaiveDate,
    pub imported_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = vehicle_registry, treat_none_as_default_value = false)]
pub struct NewRegistryRow {
    pub plate: String,
    pub vehicle_class: VehicleClass,
    pub make: String,
    pub colour: String,
    pub owner_name: String,
    pub owner_national_id: String,
    pub owner_address: String,
    pub effective_from: NaiveDate,
    pub imported_at: NaiveDateTime,
}

/// The records of `plate` (printed form) in force on `day`, one per
/// vehicle class: one plate string may be registered in two classes (an
/// old scooter plate and a car plate of the same letters and digits), and
/// the keyed class says which is meant.
pub fn in_force_by_class(
    conn: &mut DbConn,
    plate: &str,
    day: NaiveDate,
) -> QueryResult<Vec<RegistryRow>> {
    let rows: Vec<RegistryRow> = vehicle_registry::table
        .filter(vehicle_registry::plate.eq(plate))
        .filter(vehicle_registry::effective_from.le(day))
        .order((
            vehicle_registry::effective_from.desc(),
            vehicle_registry::id.desc(),
        ))
        .select(RegistryRow::as_select())
        .load(conn)?;
    let mut latest: Vec<RegistryRow> = Vec::new();
    for r in rows {
        if !latest.iter().any(|l| l.vehicle_class == r.vehicle_class) {
            latest.push(r);
        }
    }
    Ok(latest)
}

/// Adds rows, in chunks under both databases' bind limits.
pub fn insert_all(
    conn: &mut DbConn,
    rows: &[NewRegistryRow],
    progress: &dyn Fn(u64, u64),
) -> QueryResult<()> {
    let total = rows.len() as u64;
    let mut done = 0u64;
    for chunk in rows.chunks(500) {
        crate::each_backend!(conn, |c| diesel::insert_into(vehicle_registry::table)
            .values(chunk)
            .execute(c))?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    Ok(())
}

/// Which (plate, class, effective_from) of these plates are already in
/// the registry.
pub fn existing(
    conn: &mut DbConn,
    plates: &[String],
) -> QueryResult<std::collections::HashSet<(String, VehicleClass, NaiveDate)>> {
    let mut found = std::collections::HashSet::new();
    for chunk in plates.chunks(500) {
        let rows: Vec<(String, VehicleClass, NaiveDate)> = vehicle_registry::table
            .filter(vehicle_registry::plate.eq_any(chunk))
            .select((
                vehicle_registry::plate,
                vehicle_registry::vehicle_class,
                vehicle_registry::effective_from,
            ))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}
