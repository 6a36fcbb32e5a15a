//! Licence plates (車牌號碼): normalising what an officer types, and judging
//! the plate together with the vehicle class.
//!
//! Plates issued today are three letters and four digits for every class
//! ("現行核發之車牌號碼採不分車種1車1號，以3英文代碼與4數字代號組合", the
//! highway authority as quoted by TVBS, 2022-03-07; the 2023 list of codes
//! names cars, scooters and 550 cc heavy motorcycles alike, 壹蘋新聞網
//! 2023-02-24: `assets/catalog/violations.json` lists both). So a current
//! plate says nothing of the class, and is never refused for one.
//!
//! Older plates still on the road come in other shapes, some of them
//! usually seen on one class (two letters and four digits on cars, three
//! and three on scooters …). No official table of those shapes by class
//! was found, so a shape unusual for the class is a warning to check, not
//! an error: refusing it would push a keyer to a false class. The registry
//! (`registry`) is what settles the class of a camera or citizen case.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Vehicle classes as the penalty act distinguishes them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum VehicleClass {
    /// 小型車 (cars, small trucks): 汽車.
    Car,
    /// 大型車 (buses, large trucks).
    LargeVehicle,
    /// 機車 (scooters and motorcycles up to 250 cc).
    Motorcycle,
    /// 大型重型機車 (heavy motorcycles over 250 cc).
    HeavyMotorcycle,
}

impl VehicleClass {
    pub const ALL: [VehicleClass; 4] = [
        VehicleClass::Car,
        VehicleClass::LargeVehicle,
        VehicleClass::Motorcycle,
        VehicleClass::HeavyMotorcycle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VehicleClass::Car => "car",
            VehicleClass::LargeVehicle => "large_vehicle",
            VehicleClass::Motorcycle => "motorcycle",
            VehicleClass::HeavyMotorcycle => "heavy_motorcycle",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            VehicleClass::Car => "汽車",
            VehicleClass::LargeVehicle => "大型車",
            VehicleClass::Motorcycle => "機車",
            VehicleClass::HeavyMotorcycle => "大型重型機車",
        }
    }
}

/// The shapes plates come in, letters (L) and digits (D) around one hyphen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// ABC-1234: the current format, every class.
    L3D4,
    /// AB-1234 or 1234-AB: older plates, usually cars and large vehicles.
    L2D4,
    D4L2,
    /// ABC-123 or 123-ABC: older plates, usually scooters.
    L3D3,
    D3L3,
    /// AB-123 or 123-AB: older plates, large vehicles and trailers; the
    /// press also reports heavy motorcycles so (a lead, not confirmed).
    L2D3,
    D3L2,
}

fn shape_of(plate: &str) -> Option<Shape> {
    let (a, b) = plate.split_once('-')?;
    let letters = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase());
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match (a.len(), b.len()) {
        (3, 4) if letters(a) && digits(b) => Some(Shape::L3D4),
        (2, 4) if letters(a) && digits(b) => Some(Shape::L2D4),
        (4, 2) if digits(a) && letters(b) => Some(Shape::D4L2),
        (3, 3) if letters(a) && digits(b) => Some(Shape::L3D3),
        (3, 3) if digits(a) && letters(b) => Some(Shape::D3L3),
        (2, 3) if letters(a) && digits(b) => Some(Shape::L2D3),
        (3, 2) if digits(a) && letters(b) => Some(Shape::D3L2),
        _ => None,
    }
}

/// Which vehicle classes a plate shape is usually issued to.
pub fn classes_for(shape: Shape) -> &'static [VehicleClass] {
    use VehicleClass::*;
    match shape {
        Shape::L3D4 => &VehicleClass::ALL,
        Shape::L2D4 | Shape::D4L2 => &[Car, LargeVehicle],
        Shape::L3D3 | Shape::D3L3 => &[Motorcycle, HeavyMotorcycle],
        Shape::L2D3 | Shape::D3L2 => &[LargeVehicle, HeavyMotorcycle],
    }
}

/// Upper-cases, drops spaces, and turns every dash-like character into `-`;
/// a plate typed without its hyphen gets one where the letters and digits meet.
pub fn normalise(raw: &str) -> String {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '－' | '—' | '–' | '‐' | '_' => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    if s.contains('-') {
        return s;
    }
    let boundary = s
        .char_indices()
        .skip(1)
        .find(|(i, c)| {
            let prev = s[..*i].chars().last().unwrap_or(' ');
            prev.is_ascii_digit() != c.is_ascii_digit()
        })
        .map(|(i, _)| i);
    match boundary {
        Some(i) => format!("{}-{}", &s[..i], &s[i..]),
        None => s,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlateProblem {
    /// Not a plate shape at all.
    Format,
    /// An older shape not usually issued to this vehicle class: a warning.
    UnusualForClass { issued_to: Vec<VehicleClass> },
}

// Made only by `Plate::parse` (or read back from a ticket, which was).
/// A plate number in its printed form, checked against the vehicle class.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, diesel_derive_newtype::DieselNewType, ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = String, example = "ABC-1234")]
pub struct Plate(String);

impl Plate {
    /// The plate as typed, normalised, in a plate's shape (any class: a
    /// shape unusual for the class is the rules' warning, not a refusal).
    pub fn parse(raw: &str) -> Result<Plate, PlateProblem> {
        let printed = normalise(raw);
        shape_of(&printed).ok_or(PlateProblem::Format)?;
        Ok(Plate(printed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Plate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Judges a normalised plate for a vehicle class.
pub fn check(plate: &str, class: VehicleClass) -> Result<Shape, PlateProblem> {
    let shape = shape_of(plate).ok_or(PlateProblem::Format)?;
    let classes = classes_for(shape);
    if classes.contains(&class) {
        Ok(shape)
    } else {
        Err(PlateProblem::UnusualForClass {
            issued_to: classes.to_vec(),
        })
    }
}

/// Plates avoid I and O, which read as 1 and 0: one typed is probably a typo.
pub fn has_confusable_letters(plate: &str) -> bool {
    plate.contains('I') || plate.contains('O')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising() {
        assert_eq!(normalise(" abc 1234 "), "ABC-1234");
        assert_eq!(normalise("ABC－1234"), "ABC-1234");
        assert_eq!(normalise("123abc"), "123-ABC");
        assert_eq!(normalise("AB-1234"), "AB-1234");
    }

    #[test]
    fn plate_and_class_together() {
        assert_eq!(check("ABC-1234", VehicleClass::Car), Ok(Shape::L3D4));
        assert_eq!(check("MKA-321", VehicleClass::Motorcycle), Ok(Shape::L3D3));
        assert_eq!(check("123-MKA", VehicleClass::Motorcycle), Ok(Shape::D3L3));
        assert!(matches!(
            check("MKA-321", VehicleClass::Car),
            Err(PlateProblem::UnusualForClass { .. })
        ));
        // Scooters and heavy motorcycles registered now get the current
        // format like every class.
        for class in VehicleClass::ALL {
            assert_eq!(check("ABC-1234", class), Ok(Shape::L3D4), "{class:?}");
        }
        assert_eq!(
            check("AB-123", VehicleClass::HeavyMotorcycle),
            Ok(Shape::L2D3)
        );
        assert_eq!(
            check("AB12-34", VehicleClass::Car),
            Err(PlateProblem::Format)
        );
        assert_eq!(check("ABCD", VehicleClass::Car), Err(PlateProblem::Format));
        assert!(has_confusable_letters("OBC-1234"));
        assert!(!has_confusable_letters("ABC-1234"));
    }
}

crate::text_enum!(VehicleClass);
