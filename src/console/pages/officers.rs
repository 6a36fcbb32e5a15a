//! The officers and supervisors of the units a supervisor reaches, with
//! their state and a way into their coverage.

use actix_web::{HttpResponse, get, web};
use maud::html;

use crate::console::layout::{nothing_row, ok, page};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::domain::Role;
use crate::org::users::UserListQuery;
use crate::pagination::PageQuery;
use crate::state::AppState;

pub fn role_name(r: Role) -> &'static str {
    match r {
        Role::Officer => "員警",
        Role::Supervisor => "督導",
        Role::Admin => "管理者",
        Role::VendorKeyer => "廠商打字員",
        Role::VendorVerifier => "廠商驗證員",
        Role::VendorSupervisor => "廠商主管",
    }
}

#[get("/officers")]
pub async fn officers_page(state: web::Data<AppState>, who: Browser) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let people = state
        .db(move |c| {
            let mut people = Vec::new();
            for role in [Role::Officer, Role::Supervisor] {
                let q = UserListQuery {
                    unit_id: None,
                    role: Some(role),
                    vendor_id: None,
                    include_disabled: true,
                };
                let page = PageQuery {
                    limit: Some(500),
                    after: None,
                };
                people.extend(crate::org::users::list(c, &actor, &q, page)?.items);
            }
            Ok(people)
        })
        .await?;
    Ok(ok(page(
        "員警",
        &who,
        html! {
            h1 { "轄內員警" }
            p #officer-count { (people.len()) " 人" }
            table #officers {
                thead { tr { th { "警號" } th { "姓名" } th { "單位" } th { "職務" } th { "狀態" } th { "巡邏涵蓋" } } }
                tbody {
                    @for p in &people {
                        tr {
                            td { (p.badge) } td { (p.name) } td { (p.unit.name) } td { (role_name(p.role)) }
                            td { @if p.disabled { "已停用" } @else if p.must_change_password { "待變更密碼" } @else { "使用中" } }
                            td { a href=(format!("/coverage?unit_id={}", p.unit.id.0)) { "所屬單位涵蓋率" } }
                        }
                    } @if people.is_empty() { (nothing_row(6)) }
                }
            }
        },
    )))
}
