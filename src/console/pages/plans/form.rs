//! The new-plan form: the officers and boxes within reach to choose from,
//! the form read as the API's input, and the plan made by the same service.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};

use super::{messages, weekday_name, weekday_value};
use crate::console::format::roc_short_date;
use crate::console::layout::day_input;
use crate::console::layout::{csrf_field, html_response, ok, page, problems, see_other};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::console::{CsrfForm, field, fields};
use crate::domain::time::taiwan_date;
use crate::domain::{Actor, BoxId, Role, UnitId, UserId};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::org::users::{UserListQuery, UserView};
use crate::pagination::PageQuery;
use crate::patrol::boxes::{BoxListQuery, BoxView};
use crate::patrol::plans::{CreatePlan, WEEKDAYS};
use crate::state::AppState;

pub(super) fn page_of(limit: i64) -> PageQuery {
    PageQuery {
        limit: Some(limit),
        after: None,
    }
}

/// What the new-plan form offers: the officers and boxes within reach.
struct Choices {
    units: Vec<crate::org::directory::UnitRow>,
    officers: Vec<UserView>,
    boxes: Vec<BoxView>,
}

fn choices(c: &mut crate::db::DbConn, actor: &Actor) -> ApiResult<Choices> {
    let units = crate::console::pages::coverage::units_within(c, actor)?;
    let officers = crate::org::users::list(
        c,
        actor,
        &UserListQuery {
            unit_id: None,
            role: Some(Role::Officer),
            vendor_id: None,
            include_disabled: false,
        },
        page_of(500),
    )?
    .items;
    let boxes = crate::patrol::boxes::list(
        c,
        actor,
        &BoxListQuery {
            unit_id: None,
            include_retired: false,
        },
        page_of(500),
    )?
    .items;
    Ok(Choices {
        units,
        officers,
        boxes,
    })
}

fn new_plan_form(
    who: &Browser,
    ch: &Choices,
    form: &[(String, String)],
    errors: &[FieldError],
) -> Markup {
    let picked = |name: &str, value: String| fields(form, name).contains(&value);
    let or = |name: &str, default: &str| match field(form, name) {
        "" => default.to_owned(),
        v => v.to_owned(),
    };
    let today = field(form, "starts_on").to_owned();
    html! {
        h1 { "新增巡邏計畫" }
        (problems(&messages(errors)))
        form method="post" action="/plans" {
            (csrf_field(who))
            div.row {
                div {
                    label for="p-unit" { "單位" }
                    select #p-unit name="unit_id" required {
                        @for u in &ch.units { option value=(u.id.0) selected[field(form, "unit_id") == u.id.0.to_string()] { (u.name) } }
                    }
                }
                div { label for="p-name" { "名稱" } input #p-name type="text" name="name" value=(field(form, "name")) required maxlength="100"; }
            }
            div.row {
                div { label for="p-from" { "開始日期" } (day_input("p-from", "starts_on", &today, true)) }
                div { label for="p-to" { "結束日期" } (day_input("p-to", "ends_on", field(form, "ends_on"), true)) }
                div { label for="p-ws" { "時段開始" } input #p-ws type="time" name="window_start" value=(or("window_start", "08:00")) required; }
                div { label for="p-we" { "時段結束" } input #p-we type="time" name="window_end" value=(or("window_end", "10:00")) required; }
            }
            fieldset {
                legend { "星期" }
                @for d in WEEKDAYS {
                    @let id = format!("p-day-{}", weekday_value(d));
                    label.inline for=(id) {
                        input id=(id) type="checkbox" name="weekdays" value=(weekday_value(d)) checked[picked("weekdays", weekday_value(d).into())];
                        (weekday_name(d))
                    }
                }
            }
            div.row {
                div { label for="p-visits" { "每時段巡簽次數" } input #p-visits type="number" min="1" max="24" name="visits_per_window" value=(or("visits_per_window", "1")) required; }
                div { label for="p-grace" { "寬限分鐘" } input #p-grace type="number" min="0" max="240" name="grace_minutes" value=(or("grace_minutes", "0")); }
                div { label.inline for="p-ordered" { input #p-ordered type="checkbox" name="ordered" value="true" checked[field(form, "ordered") == "true"]; "依序巡簽" } }
            }
            fieldset {
                legend { "員警" }
                @if ch.officers.is_empty() { p.muted { "轄內沒有員警帳號。" } }
                @for o in &ch.officers {
                    @let id = format!("p-officer-{}", o.id.0);
                    label.inline for=(id) {
                        input id=(id) type="checkbox" name="officer_ids" value=(o.id.0) checked[picked("officer_ids", o.id.0.to_string())];
                        (o.name) "（" (o.badge) "，" (o.unit.name) "）"
                    }
                }
            }
            fieldset {
                legend { "巡邏箱（依勾選順序巡簽時，以列表順序為準）" }
                @if ch.boxes.is_empty() { p.muted { "轄內沒有巡邏箱。" } }
                @for b in &ch.boxes {
                    @let id = format!("p-box-{}", b.id.0);
                    label.inline for=(id) {
                        input id=(id) type="checkbox" name="box_ids" value=(b.id.0) checked[picked("box_ids", b.id.0.to_string())];
                        (b.code) " " (b.name)
                    }
                }
            }
            button type="submit" { "建立計畫" }
        }
    }
}

#[get("/plans/new")]
pub async fn new_plan_page(state: web::Data<AppState>, who: Browser) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let ch = state.db(move |c| choices(c, &actor)).await?;
    let today = taiwan_date(state.clock.now());
    let defaults = vec![
        ("starts_on".to_owned(), roc_short_date(today)),
        (
            "ends_on".to_owned(),
            roc_short_date(today + Duration::days(30)),
        ),
    ];
    Ok(ok(page(
        "新增巡邏計畫",
        &who,
        new_plan_form(&who, &ch, &defaults, &[]),
    )))
}

/// The form read as the API's input; what cannot even be read is reported
/// the way the API reports its own field errors.
fn plan_input(form: &[(String, String)]) -> Result<CreatePlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut number = |name: &str, label: &str| -> i64 {
        field(form, name).parse().unwrap_or_else(|_| {
            errors.push(FieldError::new(name, "invalid", format!("請填寫{label}")));
            0
        })
    };
    let unit_id = number("unit_id", "單位");
    let visits = number("visits_per_window", "次數");
    let grace = match field(form, "grace_minutes") {
        "" => 0,
        _ => number("grace_minutes", "寬限分鐘"),
    };
    let mut date = |name: &str| -> NaiveDate {
        crate::console::format::parse_day(field(form, name)).unwrap_or_else(|| {
            errors.push(FieldError::new(
                name,
                "invalid",
                "請以 115/12/08 的格式輸入日期",
            ));
            NaiveDate::default()
        })
    };
    let starts_on = date("starts_on");
    let ends_on = date("ends_on");
    let weekdays = fields(form, "weekdays")
        .iter()
        .filter_map(|v| WEEKDAYS.into_iter().find(|d| weekday_value(*d) == v))
        .collect();
    let ids = |name: &str| -> Vec<i64> {
        fields(form, name)
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect()
    };
    let input = CreatePlan {
        unit_id: UnitId(unit_id),
        name: field(form, "name").to_owned(),
        starts_on,
        ends_on,
        weekdays,
        window_start: field(form, "window_start").to_owned(),
        window_end: field(form, "window_end").to_owned(),
        visits_per_window: i32::try_from(visits).unwrap_or(0),
        ordered: field(form, "ordered") == "true",
        grace_minutes: i32::try_from(grace).unwrap_or(-1),
        officer_ids: ids("officer_ids").into_iter().map(UserId).collect(),
        box_ids: ids("box_ids").into_iter().map(BoxId).collect(),
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

#[post("/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let result = match plan_input(&form) {
        Ok(input) => {
            let actor = actor.clone();
            state
                .db(move |c| crate::patrol::plans::create(c, &actor, input))
                .await
        }
        Err(errors) => Err(ApiError::Validation(errors)),
    };
    let errors = match result {
        Ok(plan) => return Ok(see_other(&format!("/plans/{}", plan.id.0))),
        Err(ApiError::Validation(errors)) => errors,
        Err(other) => return Err(other.into()),
    };
    let ch = state.db(move |c| choices(c, &actor)).await?;
    Ok(html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(
            "新增巡邏計畫",
            &who,
            new_plan_form(&who, &ch, &form, &errors),
        ),
    ))
}
