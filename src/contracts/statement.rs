//! A vendor's monthly statement: tickets billed and their amount in the
//! month, the contract year so far, what the caps leave, the warnings.

use chrono::Datelike;
use serde::Serialize;
use utoipa::ToSchema;

use super::caps::{self, CapWarning};
use super::{ContractView, store, usage, view};
use crate::db::DbConn;
use crate::domain::{Actor, Role, VendorId};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Serialize, ToSchema)]
pub struct Statement {
    pub vendor_id: VendorId,
    pub vendor_name: String,
    /// `YYYY-MM`.
    pub month: String,
    pub contract: Option<ContractView>,
    pub tickets: i64,
    /// NT$.
    pub amount: i64,
    pub year_to_date_tickets: i64,
    pub year_to_date_amount: i64,
    pub tickets_left: i64,
    pub amount_left: i64,
    pub warnings: Vec<CapWarning>,
}

/// Police supervisors and administrators, and the vendor's own staff.
fn may_read(actor: &Actor, vendor: VendorId) -> bool {
    match actor.role {
        Role::Supervisor | Role::Admin => true,
        r if r.is_vendor() => actor.vendor_id == Some(vendor),
        _ => false,
    }
}

pub fn statement(
    conn: &mut DbConn,
    actor: &Actor,
    vendor: VendorId,
    month: &str,
) -> ApiResult<Statement> {
    if !may_read(actor, vendor) {
        return Err(ApiError::NotFound("vendor"));
    }
    let first = crate::domain::time::parse_month(month)
        .ok_or_else(|| ApiError::field("month", "format", "a month, YYYY-MM"))?;
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| ApiError::field("month", "out_of_range", "too far"))?;
    let v =
        crate::org::directory::vendor_by_id(conn, vendor)?.ok_or(ApiError::NotFound("vendor"))?;
    let contract = store::in_force(conn, vendor, last)?.or(store::in_force(conn, vendor, first)?);
    let Some(c) = contract else {
        return Ok(Statement {
            vendor_id: vendor,
            vendor_name: v.name,
            month: month.to_owned(),
            contract: None,
            tickets: 0,
            amount: 0,
            year_to_date_tickets: 0,
            year_to_date_amount: 0,
            tickets_left: 0,
            amount_left: 0,
            warnings: vec![],
        });
    };
    let (tickets, amount) = store::billed(conn, c.id, first, last)?;
    let (year_from, _) = super::year_span(&c, first.year());
    let (ytd_tickets, ytd_amount) = store::billed(conn, c.id, year_from, last)?;
    let mut u = usage(conn, &c, last.min(c.ends_on))?;
    u.tickets = ytd_tickets;
    u.amount = ytd_amount;
    Ok(Statement {
        vendor_id: vendor,
        vendor_name: v.name,
        month: month.to_owned(),
        contract: Some(view(&c)),
        tickets,
        amount,
        year_to_date_tickets: ytd_tickets,
        year_to_date_amount: ytd_amount,
        tickets_left: u.tickets_left(),
        amount_left: u.amount_left(),
        warnings: caps::warnings(&u),
    })
}

/// The statement as CSV (one `item,value` line each).
pub fn to_csv(s: &Statement) -> ApiResult<Vec<u8>> {
    let rows = vec![
        vec!["vendor".into(), s.vendor_name.clone()],
        vec!["month".into(), s.month.clone()],
        vec![
            "unit_price".into(),
            s.contract
                .as_ref()
                .map(|c| c.unit_price.to_string())
                .unwrap_or_default(),
        ],
        vec!["tickets".into(), s.tickets.to_string()],
        vec!["amount".into(), s.amount.to_string()],
        vec![
            "year_to_date_tickets".into(),
            s.year_to_date_tickets.to_string(),
        ],
        vec![
            "year_to_date_amount".into(),
            s.year_to_date_amount.to_string(),
        ],
        vec!["tickets_left".into(), s.tickets_left.to_string()],
        vec!["amount_left".into(), s.amount_left.to_string()],
        vec![
            "warnings".into(),
            s.warnings
                .iter()
                .map(|w| format!("{}≥{:.0}%", w.cap, w.reached * 100.0))
                .collect::<Vec<_>>()
                .join(" "),
        ],
    ];
    crate::quality::report::csv_of(&["item", "value"], rows)
}

/// The statement as a one-page PDF, Chinese as real text.
pub fn to_pdf(s: &Statement) -> ApiResult<Vec<u8>> {
    let mut doc =
        crate::print::pdf::Document::new(&format!("{} {} 委外製單月結單", s.vendor_name, s.month))?;
    doc.text(
        20.0,
        20.0,
        16.0,
        &format!("{} 委外製單月結單 {}", s.vendor_name, s.month),
    );
    let money = |n: i64| format!("NT${n}");
    let lines = [
        (
            "單價",
            s.contract
                .as_ref()
                .map(|c| money(i64::from(c.unit_price)))
                .unwrap_or_else(|| "無契約".into()),
        ),
        ("本月件數", s.tickets.to_string()),
        ("本月金額", money(s.amount)),
        ("年度累計件數", s.year_to_date_tickets.to_string()),
        ("年度累計金額", money(s.year_to_date_amount)),
        ("剩餘件數", s.tickets_left.to_string()),
        ("剩餘金額", money(s.amount_left)),
    ];
    for (i, (label, value)) in lines.iter().enumerate() {
        let y = 36.0 + 9.0 * i as f32;
        doc.text(20.0, y, 11.0, label);
        doc.text(80.0, y, 11.0, value);
    }
    for (i, w) in s.warnings.iter().enumerate() {
        let cap = if w.cap == "tickets" {
            "件數"
        } else {
            "金額"
        };
        doc.text(
            20.0,
            110.0 + 8.0 * i as f32,
            11.0,
            &format!("警示：{cap}已達上限 {:.0}%", w.reached * 100.0),
        );
    }
    Ok(doc.finish())
}
