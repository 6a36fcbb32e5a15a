//! Taiwan personal identifiers and their check digits: the national ID
//! (國民身分證統一編號), the old resident certificate number (舊式居留證
//!統一證號, second character a letter A–D) and the new one (新式統一證號,
//! 2021 on, second digit 8 or 9).

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    NationalId,
    ResidentOld,
    ResidentNew,
}

// Made only by `NationalId::parse` (or read back from a ticket, which was).
/// A national ID or resident number whose check digit holds, upper-case.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, diesel_derive_newtype::DieselNewType, ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = String, example = "A123456789")]
pub struct NationalId(String);

impl NationalId {
    /// The identifier as typed, trimmed, upper-cased and checked.
    pub fn parse(raw: &str) -> Result<(NationalId, IdKind), IdError> {
        let id = raw.trim().to_ascii_uppercase();
        let kind = check(&id)?;
        Ok((NationalId(id), kind))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    /// Not the shape of any Taiwan identifier.
    Format,
    /// The right shape, but the check digit does not match: a typo.
    CheckDigit,
}

/// The two-digit code of the first letter (the issuing area).
fn area_code(c: char) -> Option<u32> {
    const CODES: [u32; 26] = [
        10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32,
        30, 31, 33,
    ];
    c.is_ascii_uppercase()
        .then(|| CODES.get((c as u8 - b'A') as usize).copied())
        .flatten()
}

/// Checks an identifier (upper-cased, trimmed) and says which kind it is.
pub fn check(raw: &str) -> Result<IdKind, IdError> {
    let id: Vec<char> = raw.trim().to_ascii_uppercase().chars().collect();
    let [first, second, rest @ ..] = id.as_slice() else {
        return Err(IdError::Format);
    };
    if rest.len() != 8 || !rest.iter().all(char::is_ascii_digit) {
        return Err(IdError::Format);
    }
    let area = area_code(*first).ok_or(IdError::Format)?;
    let (kind, second) = match second {
        '1' | '2' => (IdKind::NationalId, second.to_digit(10).unwrap_or(0)),
        '8' | '9' => (IdKind::ResidentNew, second.to_digit(10).unwrap_or(0)),
        // Old resident numbers: the second letter counts by the last digit of its code.
        'A'..='D' => (IdKind::ResidentOld, area_code(*second).unwrap_or(0) % 10),
        _ => return Err(IdError::Format),
    };
    let digits: Vec<u32> = rest.iter().filter_map(|c| c.to_digit(10)).collect();
    let mut sum = area / 10 + (area % 10) * 9 + second * 8;
    // Weights 7 … 1 on the first seven digits, 1 on the check digit.
    for (d, weight) in digits.iter().zip([7, 6, 5, 4, 3, 2, 1, 1]) {
        sum += d * weight;
    }
    if sum % 10 == 0 {
        Ok(kind)
    } else {
        Err(IdError::CheckDigit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids() {
        assert_eq!(check("A123456789"), Ok(IdKind::NationalId));
        assert_eq!(check(" a123456789 "), Ok(IdKind::NationalId));
        assert_eq!(check("F131104093"), Ok(IdKind::NationalId));
        assert_eq!(check("A123456788"), Err(IdError::CheckDigit));
        // Two neighbouring digits swapped.
        assert_eq!(check("A123465789"), Err(IdError::CheckDigit));
        assert_eq!(check("A323456789"), Err(IdError::Format));
        assert_eq!(check("A12345678"), Err(IdError::Format));
        assert_eq!(check("1123456789"), Err(IdError::Format));
    }

    #[test]
    fn resident_numbers_old_and_new() {
        assert_eq!(check("AC01234567"), Ok(IdKind::ResidentOld));
        assert_eq!(check("AC01234568"), Err(IdError::CheckDigit));
        assert_eq!(check("A800000014"), Ok(IdKind::ResidentNew));
        assert_eq!(check("A800000015"), Err(IdError::CheckDigit));
        assert_eq!(check("AE01234567"), Err(IdError::Format));
    }
}
