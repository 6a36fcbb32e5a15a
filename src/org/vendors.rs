//! Outside vendors whose staff key and verify tickets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::store::{self, NewVendor, VendorRow};
use super::valid_code;
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Role, VendorId, parse_name};
use crate::error::{ApiError, ApiResult, FieldErrors};

#[derive(Debug, Serialize, ToSchema)]
pub struct VendorView {
    pub id: VendorId,
    pub code: String,
    pub name: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<VendorRow> for VendorView {
    fn from(row: VendorRow) -> Self {
        VendorView {
            id: row.id,
            code: row.code,
            name: row.name,
            disabled: row.disabled_at.is_some(),
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVendor {
    #[schema(example = "V-ACME")]
    pub code: String,
    #[schema(example = "頂尖資訊股份有限公司")]
    pub name: String,
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: CreateVendor) -> ApiResult<VendorView> {
    // Vendors are contracted city-wide.
    actor.ensure_headquarters_admin()?;
    let mut errors = FieldErrors::new();
    let code = input.code.trim().to_ascii_uppercase();
    if !valid_code(&code) {
        errors.add(
            "code",
            "format",
            "2–32 upper-case letters, digits or hyphens",
        );
    }
    let name = parse_name(&input.name, "name", &mut errors);
    let name = errors.into_result(name)?.unwrap_or_default();
    write_txn(conn, |conn| {
        let row = store::insert_vendor(
            conn,
            &NewVendor {
                code: &code,
                name: &name,
                created_at: now(),
            },
        )
        .map_err(ApiError::unique_as(
            "code_taken",
            format!("vendor code {code} is already used"),
        ))?;
        crate::audit::append(
            conn,
            actor
                .audit("vendor.create", "vendor")
                .object(row.id)
                .details(serde_json::json!({"code": row.code})),
        )?;
        Ok(row.into())
    })
}

pub fn list(conn: &mut DbConn, actor: &Actor) -> ApiResult<Vec<VendorView>> {
    if actor.role != Role::Admin {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    Ok(store::list_vendors(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}
