//! Ticket numbers (舉發單號) and who holds them: a city prefix, an eight-digit
//! serial and a Damm check digit, and the blocks of numbers allotted to
//! handhelds for writing tickets offline.
//!
//! The Damm check digit catches every single mistyped digit
//! and every swap of two neighbouring digits, the two mistakes people make.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::issue::ensure_police;
use super::store::{self};
use super::view::Context;
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, UserId};
use crate::error::{ApiError, ApiResult};

/// Fewer unused numbers than this left in a device's blocks: time for a new block.
pub const LOW_BLOCK: i64 = 10;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// How many numbers, 1–200 (default 50).
    pub size: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockView {
    pub id: i64,
    pub device: String,
    pub first_number: String,
    pub last_number: String,
    pub size: i64,
    pub used: i64,
    pub allotted_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlocksView {
    pub blocks: Vec<BlockView>,
    /// Unused numbers across all blocks.
    pub numbers_left: i64,
    /// True when it is time to ask for a new block.
    pub low: bool,
}

pub(super) fn numbers_left(conn: &mut DbConn, officer: UserId) -> ApiResult<i64> {
    let mut left = 0;
    for (_, device, first, last, _) in store::blocks_of(conn, officer)? {
        if device != "server" {
            left += (last - first + 1) - store::used_in(conn, first, last)?;
        }
    }
    Ok(left)
}

/// Allots a block of numbers to the calling officer's device for offline work.
pub fn allot_block(
    conn: &mut DbConn,
    actor: &Actor,
    ctx: &Context<'_>,
    req: &BlockRequest,
) -> ApiResult<BlocksView> {
    let officer = ensure_police(actor)?;
    let device = actor.device.clone().ok_or_else(|| {
        ApiError::bad_request(
            "device_required",
            "send X-Device-Id: a block belongs to one handheld",
        )
    })?;
    let size = req.size.unwrap_or(50);
    if !(1..=200).contains(&size) {
        return Err(ApiError::field("size", "out_of_range", "1 to 200 numbers"));
    }
    write_txn(conn, |conn| {
        let first = store::take_serials(conn, size)?;
        let last = first + size - 1;
        if last > MAX_SERIAL {
            return Err(ApiError::conflict(
                "numbers_exhausted",
                "the city's ticket numbers are used up",
            ));
        }
        let id = store::insert_block(conn, officer, &device, first, last, now())?;
        crate::audit::append(
            conn,
            actor
                .audit("ticket_block.allot", "ticket_block")
                .object(id)
                .details(serde_json::json!({"first": first, "last": last})),
        )?;
        blocks(conn, actor, ctx)
    })
}

pub fn blocks(conn: &mut DbConn, actor: &Actor, ctx: &Context<'_>) -> ApiResult<BlocksView> {
    let officer = ensure_police(actor)?;
    let mut out = Vec::new();
    for (id, device, first, last, at) in store::blocks_of(conn, officer)? {
        if device == "server" {
            continue;
        }
        out.push(BlockView {
            id,
            device,
            first_number: format(ctx.prefix, first),
            last_number: format(ctx.prefix, last),
            size: last - first + 1,
            used: store::used_in(conn, first, last)?,
            allotted_at: at.and_utc(),
        });
    }
    let left = out.iter().map(|b| b.size - b.used).sum();
    Ok(BlocksView {
        blocks: out,
        numbers_left: left,
        low: left < LOW_BLOCK,
    })
}

/// Damm's quasigroup of order 10 (totally anti-symmetric).
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

pub const SERIAL_DIGITS: usize = 8;
pub const MAX_SERIAL: i64 = 99_999_999;

fn damm(digits: &str) -> u8 {
    digits.bytes().fold(0u8, |interim, b| {
        DAMM.get(interim as usize)
            .and_then(|row| row.get(b.wrapping_sub(b'0') as usize))
            .copied()
            .unwrap_or(interim)
    })
}

/// The number printed on the ticket for `serial` (1..=99,999,999).
pub fn format(prefix: &str, serial: i64) -> String {
    let digits = format!("{serial:0width$}", width = SERIAL_DIGITS);
    format!("{prefix}{digits}{}", damm(&digits))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    Format,
    CheckDigit,
}

/// Parses a typed number back into its serial, rejecting any typo the check
/// digit catches.
pub fn parse(prefix: &str, raw: &str) -> Result<i64, NumberError> {
    let s = raw.trim().to_ascii_uppercase();
    let rest = s.strip_prefix(prefix).ok_or(NumberError::Format)?;
    if rest.len() != SERIAL_DIGITS + 1 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::Format);
    }
    if damm(rest) != 0 {
        return Err(NumberError::CheckDigit);
    }
    rest[..SERIAL_DIGITS]
        .parse()
        .map_err(|_| NumberError::Format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_damm_value() {
        // The textbook example: 572 → check digit 4.
        assert_eq!(damm("572"), 4);
        assert_eq!(damm("5724"), 0);
    }

    #[test]
    fn round_trip() {
        let n = format("TN", 1234);
        assert_eq!(n.len(), 2 + 8 + 1);
        assert!(n.starts_with("TN00001234"));
        assert_eq!(parse("TN", &n), Ok(1234));
        assert_eq!(parse("TN", &n.to_lowercase()), Ok(1234));
        assert_eq!(parse("KH", &n), Err(NumberError::Format));
    }

    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        let n = format("TN", 48_213_907);
        let digits: Vec<u8> = n[2..].bytes().collect();
        for i in 0..digits.len() {
            for d in b'0'..=b'9' {
                if d == digits[i] {
                    continue;
                }
                let mut typo = digits.clone();
                typo[i] = d;
                let typo = format!("TN{}", String::from_utf8(typo).unwrap());
                assert_eq!(parse("TN", &typo), Err(NumberError::CheckDigit), "{typo}");
            }
            if i + 1 < digits.len() && digits[i] != digits[i + 1] {
                let mut swap = digits.clone();
                swap.swap(i, i + 1);
                let swap = format!("TN{}", String::from_utf8(swap).unwrap());
                assert_eq!(parse("TN", &swap), Err(NumberError::CheckDigit), "{swap}");
            }
        }
    }
}
