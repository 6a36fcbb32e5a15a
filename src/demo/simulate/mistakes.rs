//! How people mistype the critical fields of a ticket, as the published
//! figures and keying studies describe: a neighbouring key, the letters and
//! digits that look alike (0/O, 1/I, 8/B, 5/S, 2/Z), two digits swapped; the
//! wrong vehicle class; a neighbouring article; a minute mistyped.

use chrono::{Duration, NaiveDateTime};
use rand::Rng;

use crate::tickets::plate::VehicleClass;

/// Keys next to each other on a keyboard (row neighbours).
const ROWS: [&str; 4] = ["1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"];

/// Characters people confuse on a photographed plate.
const LOOK_ALIKE: [(char, char); 6] = [
    ('0', 'O'),
    ('1', 'I'),
    ('8', 'B'),
    ('5', 'S'),
    ('2', 'Z'),
    ('6', 'G'),
];

fn neighbour(c: char, rng: &mut impl Rng) -> char {
    for row in ROWS {
        let chars: Vec<char> = row.chars().collect();
        if let Some(i) = chars.iter().position(|x| *x == c) {
            let left = i.checked_sub(1).and_then(|j| chars.get(j));
            let right = chars.get(i + 1);
            return match (left, right, rng.gen_bool(0.5)) {
                (Some(l), _, true) | (Some(l), None, _) => *l,
                (_, Some(r), _) => *r,
                _ => c,
            };
        }
    }
    c
}

fn look_alike(c: char) -> Option<char> {
    LOOK_ALIKE
        .iter()
        .find_map(|(a, b)| (*a == c).then_some(*b).or((*b == c).then_some(*a)))
}

/// The plate with one typical mistake.
pub fn mistype_plate(plate: &str, rng: &mut impl Rng) -> String {
    let mut chars: Vec<char> = plate.chars().collect();
    let positions: Vec<usize> = (0..chars.len())
        .filter(|i| chars.get(*i) != Some(&'-'))
        .collect();
    if positions.is_empty() {
        return plate.to_owned();
    }
    let pick = positions
        .get(rng.gen_range(0..positions.len()))
        .copied()
        .unwrap_or(0);
    match rng.gen_range(0..3) {
        0 => {
            if let Some(c) = chars.get_mut(pick) {
                *c = neighbour(*c, rng);
            }
        }
        1 => {
            let target = positions
                .iter()
                .copied()
                .find(|i| chars.get(*i).and_then(|c| look_alike(*c)).is_some())
                .unwrap_or(pick);
            if let Some(c) = chars.get_mut(target) {
                *c = look_alike(*c).unwrap_or_else(|| neighbour(*c, rng));
            }
        }
        _ => {
            // Two neighbouring characters swapped (only a change when they differ).
            let at = positions.windows(2).find(|w| {
                let (a, b) = (
                    w.first().copied().unwrap_or(0),
                    w.get(1).copied().unwrap_or(0),
                );
                b == a + 1 && chars.get(a) != chars.get(b)
            });
            match at {
                Some(w) => chars.swap(
                    w.first().copied().unwrap_or(0),
                    w.get(1).copied().unwrap_or(0),
                ),
                None => {
                    if let Some(c) = chars.get_mut(pick) {
                        *c = neighbour(*c, rng);
                    }
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Another vehicle class than `class`.
pub fn mistype_class(class: VehicleClass, rng: &mut impl Rng) -> VehicleClass {
    let others: Vec<VehicleClass> = VehicleClass::ALL
        .into_iter()
        .filter(|c| *c != class)
        .collect();
    others
        .get(rng.gen_range(0..others.len().max(1)))
        .copied()
        .unwrap_or(class)
}

/// Articles keyers confuse with each other (neighbours in the code list).
const ARTICLES: [&str; 7] = [
    "53-1", "53-2", "56-1-4", "55-1-2", "40", "48-1-2", "48-1-2t",
];

pub fn mistype_article(article: &str, rng: &mut impl Rng) -> String {
    let i = ARTICLES.iter().position(|a| *a == article).unwrap_or(0);
    let j = if rng.gen_bool(0.5) && i > 0 {
        i - 1
    } else {
        (i + 1) % ARTICLES.len()
    };
    ARTICLES
        .get(j)
        .map(|s| (*s).to_owned())
        .unwrap_or_else(|| article.to_owned())
}

/// The time with its minutes mistyped (a neighbouring digit or swapped).
pub fn mistype_time(t: NaiveDateTime, rng: &mut impl Rng) -> NaiveDateTime {
    let delta = match rng.gen_range(0..4) {
        0 => 1,
        1 => -1,
        2 => 10,
        _ => -10,
    };
    t + Duration::minutes(delta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_mistyped_plate_differs_and_keeps_its_shape() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for _ in 0..500 {
            let m = mistype_plate("RDA-1081", &mut rng);
            assert_ne!(m, "RDA-1081");
            assert_eq!(m.len(), 8);
            assert_eq!(m.find('-'), Some(3));
        }
    }

    #[test]
    fn the_other_fields_differ_too() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        for _ in 0..100 {
            assert_ne!(
                mistype_class(VehicleClass::Car, &mut rng),
                VehicleClass::Car
            );
            assert_ne!(mistype_article("53-1", &mut rng), "53-1");
            let t = chrono::DateTime::UNIX_EPOCH.naive_utc();
            assert_ne!(mistype_time(t, &mut rng), t);
        }
    }
}
