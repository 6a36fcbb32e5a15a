//! Creating, listing and disabling units, within the actor's reach.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::store::{self, NewUnit, UnitFilter, UnitRow};
use super::valid_code;
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, Role, UnitId, UnitKind, parse_name};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::pagination::{Page, PageQuery};

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub id: UnitId,
    /// Stable short code, e.g. `P01-S1`.
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<UnitRow> for UnitView {
    type Error = ApiError;
    fn try_from(row: UnitRow) -> ApiResult<Self> {
        let kind = row.kind;
        Ok(UnitView {
            id: row.id,
            code: row.code,
            name: row.name,
            kind,
            parent_id: row.parent_id,
            disabled: row.disabled_at.is_some(),
            created_at: row.created_at.and_utc(),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    #[schema(example = "P01-S4")]
    pub code: String,
    #[schema(example = "東寧派出所")]
    pub name: String,
    pub kind: UnitKind,
    /// Required for every kind but `bureau`.
    pub parent_id: Option<UnitId>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitListQuery {
    pub parent_id: Option<i64>,
    pub kind: Option<UnitKind>,
    #[serde(default)]
    pub include_disabled: bool,
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: CreateUnit) -> ApiResult<UnitView> {
    if actor.role != Role::Admin {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
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
    let parent = match input.parent_id {
        Some(pid) => match store::unit_by_id(conn, pid)? {
            Some(p) if actor.reaches(&p.path) => Some(p),
            Some(_) => return Err(ApiError::Forbidden("outside_your_units")),
            None => {
                errors.add("parent_id", "not_found", "no such unit");
                None
            }
        },
        None => {
            if actor.unit_path.is_some() {
                // Only the command line starts a new tree.
                errors.add(
                    "parent_id",
                    "required",
                    "a unit is created under a parent unit",
                );
            }
            None
        }
    };
    if let Some(p) = &parent {
        let parent_kind = Some(p.kind);
        if !input.kind.fits_under(parent_kind) {
            errors.add(
                "kind",
                "bad_parent",
                format!(
                    "a {} cannot be under a {}",
                    input.kind.as_str(),
                    p.kind.as_str()
                ),
            );
        }
    } else if input.parent_id.is_none() && input.kind != UnitKind::Bureau {
        errors.add("kind", "bad_parent", "only a bureau stands at the top");
    }
    let name = errors.into_result(name)?.unwrap_or_default();

    let row = write_txn(conn, |conn| -> ApiResult<UnitRow> {
        let new = NewUnit {
            code: &code,
            name: &name,
            kind: input.kind,
            parent_id: parent.as_ref().map(|p| p.id),
            path: "",
            created_at: now(),
        };
        let parent_path = parent.as_ref().map(|p| p.path.as_str()).unwrap_or("");
        let row = store::insert_unit(conn, &new, parent_path).map_err(ApiError::unique_as(
            "code_taken",
            format!("unit code {code} is already used"),
        ))?;
        crate::audit::append(
            conn,
            actor
                .audit("unit.create", "unit")
                .object(row.id)
                .unit(row.id)
                .details(serde_json::json!({"code": row.code, "kind": row.kind, "parent_id": row.parent_id})),
        )?;
        Ok(row)
    })?;
    row.try_into()
}

pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    q: &UnitListQuery,
    page: PageQuery,
) -> ApiResult<Page<UnitView>> {
    let kind = q.kind.map(|k| k.as_str());
    let rows = store::list_units(
        conn,
        &UnitFilter {
            within_path: actor.unit_path.as_deref(),
            parent_id: q.parent_id.map(UnitId),
            kind,
            include_disabled: q.include_disabled,
            after: page.after,
            limit: page.limit()?,
        },
    )?;
    let views = rows
        .into_iter()
        .map(UnitView::try_from)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Page::from_rows(views, page.limit()?, |u| u.id.0))
}

/// A unit the actor reaches; one outside their reach is "not found", so
/// that ids cannot be probed.
pub fn get_reachable(conn: &mut DbConn, actor: &Actor, id: UnitId) -> ApiResult<UnitRow> {
    match store::unit_by_id(conn, id)? {
        Some(row) if actor.reaches(&row.path) => Ok(row),
        _ => Err(ApiError::NotFound("unit")),
    }
}

pub fn get(conn: &mut DbConn, actor: &Actor, id: UnitId) -> ApiResult<UnitView> {
    get_reachable(conn, actor, id)?.try_into()
}

pub fn set_disabled(
    conn: &mut DbConn,
    actor: &Actor,
    id: UnitId,
    disabled: bool,
) -> ApiResult<UnitView> {
    if actor.role != Role::Admin {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    write_txn(conn, |conn| {
        let row = get_reachable(conn, actor, id)?;
        if actor.unit_id == Some(row.id) {
            return Err(ApiError::conflict(
                "own_unit",
                "you cannot disable your own unit",
            ));
        }
        if row.disabled_at.is_some() == disabled {
            return row.try_into();
        }
        store::set_unit_disabled(conn, id, disabled.then(now))?;
        // Its people's sessions stop (or start) working at once.
        crate::auth::cache::sessions_changed(conn)?;
        crate::audit::append(
            conn,
            actor
                .audit(
                    if disabled {
                        "unit.disable"
                    } else {
                        "unit.enable"
                    },
                    "unit",
                )
                .object(id)
                .unit(id),
        )?;
        store::unit_by_id(conn, id)?
            .ok_or(ApiError::NotFound("unit"))?
            .try_into()
    })
}
