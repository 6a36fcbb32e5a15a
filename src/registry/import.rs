//! Importing a registry extract from CSV: every row checked first and every
//! bad row reported; nothing is imported unless all rows are good. Rows
//! are added beside what is there: a plate's newer record replaces the
//! older one from its effective date on.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::store::{self, NewRegistryRow};
use crate::db::{DbConn, now, write_txn};
use crate::domain::Actor;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::tickets::national_id::NationalId;
use crate::tickets::plate::{Plate, VehicleClass};

/// The columns of a registry extract, in order.
pub const IMPORT_COLUMNS: &str =
    "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from";

/// Most rows one import takes: a city's yearly changes fit many times over.
pub const MAX_ROWS: usize = 2_000_000;

#[derive(Debug, Deserialize)]
struct ImportRow {
    plate: String,
    vehicle_class: String,
    make: String,
    colour: String,
    owner_name: String,
    owner_national_id: String,
    owner_address: String,
    effective_from: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryImportReport {
    pub imported: usize,
}

fn parse_row(n: usize, row: ImportRow, errors: &mut FieldErrors) -> Option<NewRegistryRow> {
    let f = |name: &str| format!("rows[{n}].{name}");
    let before = errors.len();
    let class = VehicleClass::parse(row.vehicle_class.trim());
    if class.is_none() {
        errors.add(f("vehicle_class"), "unknown", "not a vehicle class");
    }
    // The registry is what says a plate's class: any plate shape is taken
    // for any class (`tickets::plate` says why).
    let plate = match Plate::parse(&row.plate) {
        Ok(p) => Some(p),
        Err(_) => {
            errors.add(f("plate"), "format", "not a plate number");
            None
        }
    };
    let id = match NationalId::parse(&row.owner_national_id) {
        Ok((id, _)) => Some(id),
        Err(_) => {
            errors.add(f("owner_national_id"), "format", "not an ID number");
            None
        }
    };
    for (name, value, max) in [
        ("make", &row.make, 40),
        ("colour", &row.colour, 20),
        ("owner_name", &row.owner_name, 60),
        ("owner_address", &row.owner_address, 200),
    ] {
        let v = value.trim();
        if v.is_empty() {
            errors.add(f(name), "required", "must not be empty");
        } else if v.chars().count() > max || v.chars().any(char::is_control) {
            errors.add(
                f(name),
                "format",
                format!("at most {max} printable characters"),
            );
        }
    }
    let effective_from = match NaiveDate::parse_from_str(row.effective_from.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(f("effective_from"), "format", "a date, YYYY-MM-DD");
            None
        }
    };
    if errors.len() != before {
        return None;
    }
    Some(NewRegistryRow {
        plate: plate?.as_str().to_owned(),
        vehicle_class: class?,
        make: row.make.trim().to_owned(),
        colour: row.colour.trim().to_owned(),
        owner_name: row.owner_name.trim().to_owned(),
        owner_national_id: id?.as_str().to_owned(),
        owner_address: row.owner_address.trim().to_owned(),
        effective_from: effective_from?,
        imported_at: now(),
    })
}

/// Imports a registry extract (headquarters administrators). Every bad row
/// is reported as `rows[N].field` (N counting data rows from 1); if any is
/// bad, or a plate's record for the same effective date is already there
/// or twice in the file, nothing is imported.
pub fn import_csv(
    conn: &mut DbConn,
    actor: &Actor,
    csv_text: &[u8],
    progress: &dyn Fn(u64, u64),
) -> ApiResult<RegistryImportReport> {
    actor.ensure_headquarters_admin()?;
    let mut reader = crate::csv_import::reader(csv_text, IMPORT_COLUMNS)?;
    let mut errors = FieldErrors::new();
    let mut rows: Vec<(usize, NewRegistryRow)> = Vec::new();
    let mut seen = HashSet::new();
    for (i, record) in reader.deserialize::<ImportRow>().enumerate() {
        let n = i + 1;
        if n > MAX_ROWS {
            return Err(ApiError::bad_request(
                "too_many_rows",
                format!("import at most {MAX_ROWS} vehicles at once"),
            ));
        }
        match record {
            Ok(row) => {
                if let Some(r) = parse_row(n, row, &mut errors) {
                    if !seen.insert((r.plate.clone(), r.vehicle_class, r.effective_from)) {
                        errors.add(
                            format!("rows[{n}].plate"),
                            "duplicate",
                            "the plate appears twice in the file for the same class and date",
                        );
                    }
                    rows.push((n, r));
                }
            }
            Err(e) => errors.add(format!("rows[{n}]"), "malformed", e.to_string()),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(ApiError::field(
            "rows",
            "required",
            "the file has no vehicles",
        ));
    }
    write_txn(conn, |conn| {
        let plates: Vec<String> = rows.iter().map(|(_, r)| r.plate.clone()).collect();
        let there = store::existing(conn, &plates)?;
        for (n, r) in &rows {
            if there.contains(&(r.plate.clone(), r.vehicle_class, r.effective_from)) {
                errors.add(
                    format!("rows[{n}].plate"),
                    "taken",
                    "a record of this plate and class from this date is already imported",
                );
            }
        }
        std::mem::take(&mut errors).into_result(())?;
        let new: Vec<NewRegistryRow> = rows.iter().map(|(_, r)| r.clone()).collect();
        store::insert_all(conn, &new, progress)?;
        crate::audit::append(
            conn,
            actor
                .audit("registry.import", "vehicle_registry")
                .details(serde_json::json!({"rows": new.len()})),
        )?;
        Ok(RegistryImportReport {
            imported: new.len(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(plate: &str, class: &str, id: &str, date: &str) -> ImportRow {
        ImportRow {
            plate: plate.into(),
            vehicle_class: class.into(),
            make: "TOYOTA".into(),
            colour: "白".into(),
            owner_name: "陳車主".into(),
            owner_national_id: id.into(),
            owner_address: "臺南市北區".into(),
            effective_from: date.into(),
        }
    }

    #[test]
    fn a_good_row_is_normalised() {
        let mut e = FieldErrors::new();
        let r = parse_row(1, row("abc1234", "car", "f131104093", "2024-01-01"), &mut e).unwrap();
        assert!(e.is_empty());
        assert_eq!(r.plate, "ABC-1234");
        assert_eq!(r.owner_national_id, "F131104093");
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut e = FieldErrors::new();
        assert!(
            parse_row(
                3,
                row("abc1234", "tank", "A000000000", "2024-13-01"),
                &mut e
            )
            .is_none()
        );
        let fields: Vec<String> = match e.into_result(()) {
            Err(ApiError::Validation(list)) => list.into_iter().map(|f| f.field).collect(),
            _ => vec![],
        };
        assert_eq!(
            fields,
            vec![
                "rows[3].vehicle_class",
                "rows[3].owner_national_id",
                "rows[3].effective_from"
            ]
        );
    }
}
