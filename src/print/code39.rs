//! Code 39 barcodes: each character is nine elements (bar, space, …), three
//! of them wide, with a narrow space between characters and `*` as start
//! and stop.

const CHARS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%*";
/// Wide-element patterns, bit 8 = first element, 1 = wide.
const PATTERNS: [u16; 44] = [
    0x034, 0x121, 0x061, 0x160, 0x031, 0x130, 0x070, 0x025, 0x124, 0x064, 0x109, 0x049, 0x148,
    0x019, 0x118, 0x058, 0x00D, 0x10C, 0x04C, 0x01C, 0x103, 0x043, 0x142, 0x013, 0x112, 0x052,
    0x007, 0x106, 0x046, 0x016, 0x181, 0x0C1, 0x1C0, 0x091, 0x190, 0x0D0, 0x085, 0x184, 0x0C4,
    0x0A8, 0x0A2, 0x08A, 0x02A, 0x094,
];

/// The elements of `*TEXT*` as (is a bar, is wide); characters Code 39
/// cannot carry are dropped.
pub fn encode(text: &str) -> Vec<(bool, bool)> {
    let mut out = Vec::new();
    let body: String = text
        .to_ascii_uppercase()
        .chars()
        .filter(|c| *c != '*' && CHARS.contains(*c))
        .collect();
    for (n, c) in std::iter::once('*')
        .chain(body.chars())
        .chain(std::iter::once('*'))
        .enumerate()
    {
        if n > 0 {
            out.push((false, false));
        }
        let Some(i) = CHARS.find(c) else { continue };
        let Some(&p) = PATTERNS.get(i) else { continue };
        for e in 0..9 {
            out.push((e % 2 == 0, p & (1 << (8 - e)) != 0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_has_three_wide_elements() {
        for p in PATTERNS {
            assert_eq!(p.count_ones(), 3);
        }
        let e = encode("A1");
        // Three characters (*, A, 1, *) → 4 × 9 elements and 3 gaps.
        assert_eq!(e.len(), 4 * 9 + 3);
        assert_eq!(e.iter().filter(|(_, w)| *w).count(), 4 * 3);
    }
}
