//! Ticket numbers (舉發單號): a city prefix, an eight-digit serial and a
//! Damm check digit. The Damm algorithm catches every single mistyped digit
//! and every swap of two neighbouring digits, the two mistakes people make.

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
        DAMM[interim as usize][(b - b'0') as usize]
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
