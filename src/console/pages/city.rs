//! The city's set-up for administrators: units (new, disabled, enabled)
//! and vendors, each through the function the API route calls, which
//! decides who may.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};

use crate::console::layout::{csrf_field, html_response, nothing_row, page, problems, see_other};
use crate::console::page_error::{PageResult, refusal_messages};
use crate::console::session::Browser;
use crate::console::{CsrfForm, field};
use crate::domain::{UnitId, UnitKind};
use crate::error::ApiError;
use crate::org::units::{CreateUnit, UnitListQuery, UnitView};
use crate::org::vendors::CreateVendor;
use crate::pagination::PageQuery;
use crate::state::AppState;

fn kind_name(k: UnitKind) -> &'static str {
    match k {
        UnitKind::Bureau => "警察局",
        UnitKind::Precinct => "分局",
        UnitKind::Station => "派出所",
        UnitKind::Brigade => "大隊",
    }
}

async fn units_body(
    state: &AppState,
    who: &Browser,
    messages: &[String],
    typed: &[(String, String)],
) -> PageResult<Markup> {
    let actor = who.actor().clone();
    let (units, vendors, contracts) = state
        .db(move |c| {
            let q = UnitListQuery {
                parent_id: None,
                kind: None,
                include_disabled: true,
            };
            let page = PageQuery {
                limit: Some(500),
                after: None,
            };
            let units: Vec<UnitView> = crate::org::units::list(c, &actor, &q, page)?.items;
            let vendors = crate::org::vendors::list(c, &actor).unwrap_or_default();
            let mut contracts = Vec::with_capacity(vendors.len());
            for v in &vendors {
                contracts.push((v.id, crate::contracts::of_vendor(c, v.id)?));
            }
            Ok((units, vendors, contracts))
        })
        .await?;
    let name_of = |id: Option<UnitId>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map_or("—".to_owned(), |u| u.name.clone())
    };
    Ok(html! {
        h1 { "單位" }
        (problems(messages))
        table #units {
            thead { tr { th { "代碼" } th { "名稱" } th { "層級" } th { "上級" } th { "狀態" } th { "" } } }
            tbody {
                @for u in &units {
                    tr {
                        td { (u.code) } td { (u.name) } td { (kind_name(u.kind)) } td { (name_of(u.parent_id)) }
                        td { @if u.disabled { "已停用" } @else { "使用中" } }
                        td {
                            form.inline method="post" action=(format!("/admin/units/{}/{}", u.id.0, if u.disabled { "enable" } else { "disable" })) {
                                (csrf_field(who))
                                button.secondary type="submit" { @if u.disabled { "啟用" } @else { "停用" } }
                            }
                        }
                    }
                } @if units.is_empty() { (nothing_row(6)) }
            }
        }
        h2 { "新增單位" }
        form method="post" action="/admin/units" {
            (csrf_field(who))
            div.row {
                div { label for="u-code" { "代碼" } input #u-code type="text" name="code" value=(field(typed, "code")) required; }
                div { label for="u-name" { "名稱" } input #u-name type="text" name="name" value=(field(typed, "name")) required; }
                div {
                    label for="u-kind" { "層級" }
                    select #u-kind name="kind" {
                        @for k in UnitKind::ALL { option value=(k.as_str()) selected[field(typed, "kind") == k.as_str()] { (kind_name(k)) } }
                    }
                }
                div {
                    label for="u-parent" { "上級單位" }
                    select #u-parent name="parent_id" {
                        @for u in &units { option value=(u.id.0) selected[field(typed, "parent_id") == u.id.0.to_string()] { (u.name) } }
                    }
                }
            }
            button type="submit" { "新增單位" }
        }
        h2 { "委外廠商" }
        table #vendors {
            thead { tr { th { "代碼" } th { "名稱" } th { "狀態" } } }
            tbody { @for v in &vendors { tr { td { (v.code) } td { (v.name) } td { @if v.disabled { "已停用" } @else { "使用中" } } } } @if vendors.is_empty() { (nothing_row(3)) } }
        }
        form method="post" action="/admin/vendors" {
            (csrf_field(who))
            div.row {
                div { label for="v-code" { "廠商代碼" } input #v-code type="text" name="vendor_code" value=(field(typed, "vendor_code")) required; }
                div { label for="v-name" { "廠商名稱" } input #v-name type="text" name="vendor_name" value=(field(typed, "vendor_name")) required; }
            }
            button type="submit" { "新增廠商" }
        }
        (super::contracts::section(who, &vendors, &contracts, typed))
    })
}

async fn show_units(
    state: &AppState,
    who: &Browser,
    status: StatusCode,
    messages: &[String],
    typed: &[(String, String)],
) -> PageResult<HttpResponse> {
    let body = units_body(state, who, messages, typed).await?;
    Ok(html_response(status, page("單位", who, body)))
}

#[get("/admin/units")]
pub async fn units_page(state: web::Data<AppState>, who: Browser) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Admin::ROLES)?;
    show_units(&state, &who, StatusCode::OK, &[], &[]).await
}

pub(super) async fn after_units(
    state: &AppState,
    who: &Browser,
    typed: &[(String, String)],
    result: Result<(), ApiError>,
) -> PageResult<HttpResponse> {
    match result {
        Ok(()) => Ok(see_other("/admin/units")),
        Err(e) => match refusal_messages(&e) {
            Some(m) => {
                let status = actix_web::ResponseError::status_code(&e);
                show_units(state, who, status, &m, typed).await
            }
            None => Err(e.into()),
        },
    }
}

#[post("/admin/units")]
pub async fn create_unit(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Admin::ROLES)?;
    let kind = UnitKind::ALL
        .into_iter()
        .find(|k| k.as_str() == field(&form, "kind"));
    let result = match kind {
        Some(kind) => {
            let input = CreateUnit {
                code: field(&form, "code").to_owned(),
                name: field(&form, "name").to_owned(),
                kind,
                parent_id: field(&form, "parent_id").parse().ok().map(UnitId),
            };
            let actor = who.actor().clone();
            state
                .db(move |c| crate::org::units::create(c, &actor, input))
                .await
                .map(|_| ())
        }
        None => Err(ApiError::field("kind", "required", "請選擇層級")),
    };
    after_units(&state, &who, &form, result).await
}

async fn unit_disabled(
    state: web::Data<AppState>,
    who: Browser,
    id: i64,
    disabled: bool,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Admin::ROLES)?;
    let actor = who.actor().clone();
    let result = state
        .db(move |c| crate::org::units::set_disabled(c, &actor, UnitId(id), disabled))
        .await
        .map(|_| ());
    after_units(&state, &who, &[], result).await
}

/// Disables or enables, as the button said.
#[post("/admin/units/{id}/{action:(disable|enable)}")]
pub async fn disable_or_enable_unit(
    state: web::Data<AppState>,
    CsrfForm { who, .. }: CsrfForm,
    path: web::Path<(i64, String)>,
) -> PageResult<HttpResponse> {
    let (id, action) = path.into_inner();
    unit_disabled(state, who, id, action == "disable").await
}

#[post("/admin/vendors")]
pub async fn create_vendor(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Admin::ROLES)?;
    let input = CreateVendor {
        code: field(&form, "vendor_code").to_owned(),
        name: field(&form, "vendor_name").to_owned(),
    };
    let actor = who.actor().clone();
    let result = state
        .db(move |c| crate::org::vendors::create(c, &actor, input))
        .await
        .map(|_| ());
    after_units(&state, &who, &form, result).await
}
