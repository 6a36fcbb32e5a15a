//! Bulk import of patrol boxes from CSV: every row checked first and every
//! bad row reported; nothing is imported unless all rows are good.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::boxes::{CreateBox, ensure_admin, insert, validate_new};
use super::store;
use crate::db::{DbConn, write_txn};
use crate::domain::{Actor, UnitId};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::org::directory::UnitRow;

/// One row of a box import file.
#[derive(Debug, Deserialize)]
struct ImportRow {
    code: String,
    unit_code: String,
    name: String,
    address: String,
    lat: f64,
    lon: f64,
    radius_m: Option<f64>,
    min_dwell_secs: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub imported: usize,
}

/// The columns of an import file, in order.
pub const IMPORT_COLUMNS: &str = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs";

/// Imports boxes from CSV: every row is checked first and every bad row
/// reported (`rows[N].field`, N counting data rows from 1); if any row is
/// bad, nothing is imported. `progress` is called as rows are written.
pub fn import_csv(
    conn: &mut DbConn,
    actor: &Actor,
    csv_text: &[u8],
    progress: &dyn Fn(u64, u64),
) -> ApiResult<ImportReport> {
    ensure_admin(actor)?;
    let mut reader = crate::csv_import::reader(csv_text, IMPORT_COLUMNS)?;
    let mut errors = FieldErrors::new();
    let mut rows: Vec<(usize, ImportRow)> = Vec::new();
    for (i, record) in reader.deserialize::<ImportRow>().enumerate() {
        let n = i + 1;
        match record {
            Ok(row) => rows.push((n, row)),
            Err(e) => errors.add(format!("rows[{n}]"), "malformed", e.to_string()),
        }
        if n > 100_000 {
            return Err(ApiError::bad_request(
                "too_many_rows",
                "import at most 100000 boxes at once",
            ));
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(ApiError::field("rows", "required", "the file has no boxes"));
    }
    write_txn(conn, |conn| {
        let mut units: std::collections::HashMap<String, Option<UnitRow>> = Default::default();
        let mut seen = std::collections::HashSet::new();
        let mut boxes = Vec::with_capacity(rows.len());
        for (n, row) in &rows {
            let prefix = format!("rows[{n}].");
            let unit = match units.get(&row.unit_code) {
                Some(u) => u.clone(),
                None => {
                    let u = crate::org::directory::unit_by_code(conn, &row.unit_code)?;
                    units.insert(row.unit_code.clone(), u.clone());
                    u
                }
            };
            let unit_id = match unit {
                Some(u) if actor.reaches(&u.path) && u.disabled_at.is_none() => u.id,
                Some(_) => {
                    errors.add(
                        format!("{prefix}unit_code"),
                        "not_allowed",
                        "unit outside your reach or disabled",
                    );
                    UnitId(0)
                }
                None => {
                    errors.add(format!("{prefix}unit_code"), "not_found", "no such unit");
                    UnitId(0)
                }
            };
            let input = validate_new(
                &CreateBox {
                    code: row.code.clone(),
                    unit_id,
                    name: row.name.clone(),
                    address: row.address.clone(),
                    lat: row.lat,
                    lon: row.lon,
                    radius_m: row.radius_m,
                    min_dwell_secs: row.min_dwell_secs,
                },
                &prefix,
                &mut errors,
            );
            if !seen.insert(input.code.clone()) {
                errors.add(
                    format!("{prefix}code"),
                    "duplicate",
                    "the code appears twice in the file",
                );
            }
            boxes.push((*n, input));
        }
        let codes: Vec<String> = boxes.iter().map(|(_, b)| b.code.clone()).collect();
        let taken = store::box_codes_taken(conn, &codes)?;
        for (n, b) in &boxes {
            if taken.contains(&b.code) {
                errors.add(
                    format!("rows[{n}].code"),
                    "taken",
                    "a box with this code exists",
                );
            }
        }
        std::mem::take(&mut errors).into_result(())?;
        let total = boxes.len() as u64;
        for (i, (_, b)) in boxes.iter().enumerate() {
            insert(conn, actor, b)?;
            progress(i as u64 + 1, total);
        }
        Ok(ImportReport {
            imported: boxes.len(),
        })
    })
}
