//! Vendors' contracts for headquarters administrators, under the vendors
//! on the city page: each vendor's contracts (period, unit price, yearly
//! caps) and a form for a new one, through the function the API route
//! calls (which decides who may, and refuses overlaps and prices over the
//! cap).

use crate::console::layout::nothing_row;
use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use maud::{Markup, html};

use crate::console::layout::csrf_field;
use crate::console::layout::day_input;
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::console::{CsrfForm, field};
use crate::contracts::{ContractView, CreateContract};
use crate::domain::VendorId;
use crate::error::{ApiError, FieldError};
use crate::org::vendors::VendorView;
use crate::state::AppState;

fn money(n: i64) -> String {
    crate::console::format::thousands(n)
}

/// Each vendor's contracts, and the form for a new one.
pub fn section(
    who: &Browser,
    vendors: &[VendorView],
    contracts: &[(VendorId, Vec<ContractView>)],
    typed: &[(String, String)],
) -> Markup {
    let name_of = |id: VendorId| {
        vendors
            .iter()
            .find(|v| v.id == id)
            .map_or("—".to_owned(), |v| v.name.clone())
    };
    let or = |name: &str, default: &str| {
        let v = field(typed, name);
        if v.is_empty() {
            default.to_owned()
        } else {
            v.to_owned()
        }
    };
    html! {
        h2 { "委外契約" }
        table #contracts {
            thead { tr { th { "廠商" } th { "契約期間" } th.num { "單價（元）" } th.num { "年度件數上限" } th.num { "年度金額上限（元）" } } }
            tbody {
                @for (vendor, list) in contracts {
                    @for c in list {
                        tr {
                            td { (name_of(*vendor)) }
                            td { (crate::domain::time::roc_date(c.starts_on)) " – " (crate::domain::time::roc_date(c.ends_on)) }
                            td.num { (money(i64::from(c.unit_price))) }
                            td.num { (money(i64::from(c.yearly_ticket_cap))) }
                            td.num { (money(c.yearly_amount_cap)) }
                        }
                    }
                } @if contracts.iter().all(|(_, list)| list.is_empty()) { (nothing_row(5)) }
            }
        }
        form method="post" action="/admin/contracts" {
            (csrf_field(who))
            div.row {
                div {
                    label for="c-vendor" { "廠商" }
                    select #c-vendor name="contract_vendor" {
                        @for v in vendors { option value=(v.id.0) selected[field(typed, "contract_vendor") == v.id.0.to_string()] { (v.name) } }
                    }
                }
                div { label for="c-start" { "開始日期" } (day_input("c-start", "starts_on", field(typed, "starts_on"), true)) }
                div { label for="c-end" { "結束日期" } (day_input("c-end", "ends_on", field(typed, "ends_on"), true)) }
            }
            div.row {
                div { label for="c-price" { "單價（元，至多 13）" } input #c-price type="number" min="1" max="13" name="unit_price" value=(or("unit_price", "13")) required; }
                div { label for="c-tickets" { "年度件數上限" } input #c-tickets type="number" min="1" name="yearly_ticket_cap" value=(or("yearly_ticket_cap", "855200")) required; }
                div { label for="c-amount" { "年度金額上限（元）" } input #c-amount type="number" min="1" name="yearly_amount_cap" value=(or("yearly_amount_cap", "12000000")) required; }
            }
            button type="submit" { "新增契約" }
        }
    }
}

/// The contract the form describes, or every field that cannot be read.
fn contract_input(form: &[(String, String)]) -> Result<(VendorId, CreateContract), ApiError> {
    let mut errors = Vec::new();
    let date = |name: &str, errors: &mut Vec<FieldError>| {
        let d: Option<NaiveDate> = crate::console::format::parse_day(field(form, name));
        if d.is_none() {
            errors.push(FieldError::new(
                name,
                "format",
                "請以 2027-01-01 的格式輸入日期",
            ));
        }
        d
    };
    let number = |name: &str, errors: &mut Vec<FieldError>| {
        let n = field(form, name)
            .replace(',', "")
            .trim()
            .parse::<i64>()
            .ok();
        if n.is_none() {
            errors.push(FieldError::new(name, "format", "請輸入數字"));
        }
        n
    };
    let vendor = field(form, "contract_vendor")
        .parse::<i64>()
        .ok()
        .map(VendorId);
    if vendor.is_none() {
        errors.push(FieldError::new("contract_vendor", "required", "請選擇廠商"));
    }
    let starts_on = date("starts_on", &mut errors);
    let ends_on = date("ends_on", &mut errors);
    let price = number("unit_price", &mut errors);
    let tickets = number("yearly_ticket_cap", &mut errors);
    let amount = number("yearly_amount_cap", &mut errors);
    let small = |n: Option<i64>, name: &str, errors: &mut Vec<FieldError>| {
        n.and_then(|n| match i32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(name, "out_of_range", "數字太大"));
                None
            }
        })
    };
    let price = small(price, "unit_price", &mut errors);
    let tickets = small(tickets, "yearly_ticket_cap", &mut errors);
    match (vendor, starts_on, ends_on, price, tickets, amount) {
        (
            Some(v),
            Some(starts_on),
            Some(ends_on),
            Some(unit_price),
            Some(yearly_ticket_cap),
            Some(yearly_amount_cap),
        ) if errors.is_empty() => Ok((
            v,
            CreateContract {
                starts_on,
                ends_on,
                unit_price,
                yearly_ticket_cap,
                yearly_amount_cap,
            },
        )),
        _ => Err(ApiError::Validation(errors)),
    }
}

#[post("/admin/contracts")]
pub async fn create_contract(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Admin::ROLES)?;
    let result = match contract_input(&form) {
        Ok((vendor, input)) => {
            let actor = who.actor().clone();
            state
                .db(move |c| crate::contracts::create(c, &actor, vendor, &input))
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    super::city::after_units(&state, &who, &form, result).await
}
