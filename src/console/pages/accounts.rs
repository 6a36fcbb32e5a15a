//! Accounts for supervisors and administrators: the accounts within reach,
//! a new account (its owner must choose a password at first sign-in),
//! disabling and enabling, and a new password for a forgotten one, through
//! `org::users` as the API does (who may manage whom is decided there).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};

use super::officers::role_name;
use crate::console::layout::{csrf_field, html_response, nothing_row, page, problems, see_other};
use crate::console::page_error::{PageResult, refusal_messages};
use crate::console::session::Browser;
use crate::console::{CsrfForm, field, raw_field};
use crate::domain::{Role, UnitId, UserId, VendorId};
use crate::error::{ApiError, FieldError};
use crate::org::directory::UnitRow;
use crate::org::users::{CreateUser, ResetPassword, UserListQuery, UserView};
use crate::org::vendors::VendorView;
use crate::pagination::PageQuery;
use crate::state::AppState;

const ROLES: [Role; 6] = [
    Role::Officer,
    Role::Supervisor,
    Role::Admin,
    Role::VendorKeyer,
    Role::VendorVerifier,
    Role::VendorSupervisor,
];

struct Listing {
    people: Vec<UserView>,
    units: Vec<UnitRow>,
    vendors: Vec<VendorView>,
}

async fn listing(state: &AppState, who: &Browser) -> PageResult<Listing> {
    let actor = who.actor().clone();
    Ok(state
        .db(move |c| {
            let people = crate::org::users::list(
                c,
                &actor,
                &UserListQuery {
                    unit_id: None,
                    role: None,
                    vendor_id: None,
                    include_disabled: true,
                },
                PageQuery {
                    limit: Some(500),
                    after: None,
                },
            )?
            .items;
            let units = super::coverage::units_within(c, &actor)?;
            let vendors = crate::org::vendors::list(c, &actor).unwrap_or_default();
            Ok(Listing {
                people,
                units,
                vendors,
            })
        })
        .await?)
}

fn body(who: &Browser, l: &Listing, messages: &[String], typed: &[(String, String)]) -> Markup {
    html! {
        h1 { "帳號" }
        (problems(messages))
        table #accounts {
            thead { tr { th { "帳號" } th { "姓名" } th { "單位" } th { "角色" } th { "狀態" } th { "" } } }
            tbody {
                @for p in &l.people {
                    tr {
                        td { (p.badge) } td { (p.name) } td { (p.unit.name) } td { (role_name(p.role)) }
                        td { @if p.disabled { "已停用" } @else if p.must_change_password { "待變更密碼" } @else { "使用中" } }
                        td {
                            @if p.id != who.caller.user_id {
                                form.inline method="post" action=(format!("/admin/accounts/{}/{}", p.id.0, if p.disabled { "enable" } else { "disable" })) {
                                    (csrf_field(who))
                                    button.secondary type="submit" aria-label=(format!("{} {}", if p.disabled { "啟用" } else { "停用" }, p.badge)) { @if p.disabled { "啟用" } @else { "停用" } }
                                }
                                form.inline method="post" action=(format!("/admin/accounts/{}/password", p.id.0)) {
                                    (csrf_field(who))
                                    label.sr for=(format!("pw-{}", p.id.0)) { (p.badge) " 的新密碼" }
                                    input id=(format!("pw-{}", p.id.0)) type="password" name="new_password" autocomplete="new-password" placeholder="新密碼" minlength="10";
                                    button.secondary type="submit" { "重設密碼" }
                                }
                            }
                        }
                    }
                } @if l.people.is_empty() { (nothing_row(6)) }
            }
        }
        h2 #new-account { "新增帳號" }
        p.muted { "帳號持有人第一次登入時須自行設定密碼。" }
        form method="post" action="/admin/accounts" {
            (csrf_field(who))
            div.row {
                div { label for="a-badge" { "帳號（警號或廠商編號）" } input #a-badge type="text" name="badge" value=(field(typed, "badge")) required; }
                div { label for="a-name" { "姓名" } input #a-name type="text" name="name" value=(field(typed, "name")) required; }
                div {
                    label for="a-unit" { "單位" }
                    select #a-unit name="unit_id" {
                        @for u in &l.units { option value=(u.id.0) selected[field(typed, "unit_id") == u.id.0.to_string()] { (u.name) } }
                    }
                }
            }
            div.row {
                div {
                    label for="a-role" { "角色" }
                    select #a-role name="role" {
                        @for r in ROLES { option value=(r.as_str()) selected[field(typed, "role") == r.as_str()] { (role_name(r)) } }
                    }
                }
                div {
                    label for="a-vendor" { "廠商（廠商人員才需要）" }
                    select #a-vendor name="vendor_id" {
                        option value="" { "—" }
                        @for v in &l.vendors { option value=(v.id.0) selected[field(typed, "vendor_id") == v.id.0.to_string()] { (v.name) } }
                    }
                }
                div { label for="a-password" { "初始密碼" } input #a-password type="password" name="password" autocomplete="new-password" required minlength="10"; }
            }
            button type="submit" { "建立帳號" }
        }
    }
}

async fn show(
    state: &AppState,
    who: &Browser,
    status: StatusCode,
    messages: &[String],
    typed: &[(String, String)],
) -> PageResult<HttpResponse> {
    let l = listing(state, who).await?;
    Ok(html_response(
        status,
        page("帳號", who, body(who, &l, messages, typed)),
    ))
}

/// A refusal shown on the page; anything else is the error page.
async fn refused(
    state: &AppState,
    who: &Browser,
    typed: &[(String, String)],
    e: ApiError,
) -> PageResult<HttpResponse> {
    let Some(messages) = refusal_messages(&e) else {
        return Err(e.into());
    };
    let status = actix_web::ResponseError::status_code(&e);
    show(state, who, status, &messages, typed).await
}

#[get("/admin/accounts")]
pub async fn accounts_page(state: web::Data<AppState>, who: Browser) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    show(&state, &who, StatusCode::OK, &[], &[]).await
}

fn account_input(form: &[(String, String)]) -> Result<CreateUser, ApiError> {
    let mut errors = Vec::new();
    let unit_id = field(form, "unit_id").parse::<i64>().ok();
    let role = ROLES
        .into_iter()
        .find(|r| r.as_str() == field(form, "role"));
    if unit_id.is_none() {
        errors.push(FieldError::new("unit_id", "required", "請選擇單位"));
    }
    let (Some(unit_id), Some(role)) = (unit_id, role) else {
        errors.push(FieldError::new("role", "required", "請選擇角色"));
        return Err(ApiError::Validation(errors));
    };
    Ok(CreateUser {
        badge: field(form, "badge").to_owned(),
        name: field(form, "name").to_owned(),
        unit_id: UnitId(unit_id),
        role,
        vendor_id: field(form, "vendor_id").parse::<i64>().ok().map(VendorId),
        password: raw_field(form, "password"),
    })
}

#[post("/admin/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let result = match account_input(&form) {
        Ok(input) => {
            state
                .blocking(move |s| {
                    let prepared = crate::org::users::prepare(&actor, input)?;
                    crate::org::users::create(&mut *s.conn()?, &actor, prepared)
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other("/admin/accounts")),
        Err(e) => refused(&state, &who, &form, e).await,
    }
}

async fn set_disabled(
    state: web::Data<AppState>,
    who: Browser,
    id: i64,
    disabled: bool,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let result = state
        .db(move |c| crate::org::users::set_disabled(c, &actor, UserId(id), disabled))
        .await;
    match result {
        Ok(_) => Ok(see_other("/admin/accounts")),
        Err(e) => refused(&state, &who, &[], e).await,
    }
}

/// Disables or enables, as the button said.
#[post("/admin/accounts/{id}/{action:(disable|enable)}")]
pub async fn disable_or_enable_account(
    state: web::Data<AppState>,
    CsrfForm { who, .. }: CsrfForm,
    path: web::Path<(i64, String)>,
) -> PageResult<HttpResponse> {
    let (id, action) = path.into_inner();
    set_disabled(state, who, id, action == "disable").await
}

#[post("/admin/accounts/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let input = ResetPassword {
        new_password: raw_field(&form, "new_password"),
    };
    let id = UserId(id.into_inner());
    let result = state
        .blocking(move |s| crate::org::users::reset_password(&s.pool, &actor, id, &input))
        .await;
    match result {
        Ok(_) => Ok(see_other("/admin/accounts")),
        Err(e) => refused(&state, &who, &[], e).await,
    }
}
