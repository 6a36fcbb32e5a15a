//! Public verification of a printed ticket: the tag in its QR code, and
//! what anyone who scans it is told.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::check::local_date;
use super::store::{self};
use super::view::{Context, TicketStatus, status_of};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::signing::SigningKeys;

/// The verification tag printed in the ticket's QR code.
pub fn verify_tag(keys: &SigningKeys, number: &str, version: i32) -> String {
    keys.ticket_tag(&format!("{number}.{version}"))
}

pub fn verify_url(ctx: &Context<'_>, number: &str, version: i32) -> String {
    format!(
        "{}/verify/{number}?v={version}&sig={}",
        ctx.public_url,
        verify_tag(ctx.keys, number, version)
    )
}

/// What the public sees when scanning a ticket's QR code: nothing personal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    /// The signature matches a ticket this department issued.
    pub genuine: bool,
    pub number: String,
    pub version: Option<i32>,
    pub status: Option<TicketStatus>,
    /// Local date of issue.
    pub issued_on: Option<NaiveDate>,
    pub issuing_unit: Option<String>,
    pub article: Option<String>,
    pub fine: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub message: String,
}

pub fn verify(
    conn: &mut DbConn,
    keys: &SigningKeys,
    number: &str,
    version: i32,
    sig: &str,
) -> ApiResult<Verification> {
    let expected = verify_tag(keys, number, version);
    let genuine_sig = crate::signing::constant_time_eq(expected.as_bytes(), sig.as_bytes());
    let not_genuine = |message: &str| Verification {
        genuine: false,
        number: number.to_owned(),
        version: None,
        status: None,
        issued_on: None,
        issuing_unit: None,
        article: None,
        fine: None,
        due_date: None,
        message: message.to_owned(),
    };
    if !genuine_sig {
        return Ok(not_genuine(
            "這張舉發單的驗證碼不符：可能是偽造的。The verification code does not match: this ticket may be forged.",
        ));
    }
    let Some((latest, _)) = store::latest_by_number(conn, number)? else {
        return Ok(not_genuine("查無此舉發單。No ticket has this number."));
    };
    let row = if latest.version == version {
        latest
    } else {
        match store::by_number_version(conn, number, version)? {
            Some(r) => r,
            None => return Ok(not_genuine("查無此版本。No such version of this ticket.")),
        }
    };
    let (_, unit) = store::ticket_with_unit(conn, row.id)?.ok_or(ApiError::NotFound("ticket"))?;
    let status = status_of(conn, &row)?;
    let message = match status {
        TicketStatus::Issued => {
            "本舉發單為本局開立之真實單據。This ticket is genuine and in force."
        }
        TicketStatus::Voided => "本舉發單為真實單據，但已撤銷。Genuine, but voided.",
        TicketStatus::Superseded => {
            "本舉發單為真實單據，但已更正，請以更正後之單據為準。Genuine, but replaced by a correction."
        }
    };
    Ok(Verification {
        genuine: true,
        number: row.number,
        version: Some(row.version),
        status: Some(status),
        issued_on: Some(local_date(row.issued_at)),
        issuing_unit: Some(unit.name),
        article: Some(row.article_text),
        fine: Some(row.fine),
        due_date: Some(row.due_date),
        message: message.to_owned(),
    })
}
