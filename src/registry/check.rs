//! The registry check at keying time, as a plain function: what the keyed
//! plate, class and make say against the record in force.

use crate::error::FieldError;
use crate::tickets::plate::VehicleClass;

/// What the check needs of a registry record.
#[derive(Debug, Clone)]
pub struct Registered<'a> {
    pub vehicle_class: VehicleClass,
    pub make: &'a str,
}

/// Errors (blocking) and warnings (to acknowledge) of the registry check.
#[derive(Debug, Default, PartialEq)]
pub struct RegistryVerdict {
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
}

/// An unregistered plate or a class the registry contradicts stops the
/// ticket: it would go to the wrong owner or carry the wrong fine. A make
/// that differs is a warning: makes are spelt many ways, but a real
/// difference usually means a misread plate.
///
/// The registry is keyed on plate and class together: `records` are the
/// plate's records in force, one per class, and the keyed class picks one.
pub fn check(
    keyed_class: VehicleClass,
    keyed_make: Option<&str>,
    records: &[Registered<'_>],
) -> RegistryVerdict {
    let mut v = RegistryVerdict::default();
    if records.is_empty() {
        v.errors.push(FieldError::new(
            "plate",
            "not_registered",
            "no vehicle is registered under this plate on the violation day: check the plate against the evidence",
        ).with_zh("違規當日此車牌查無登記車輛：請對照證據確認車牌"));
        return v;
    }
    let Some(record) = records.iter().find(|r| r.vehicle_class == keyed_class) else {
        let classes: Vec<&str> = records.iter().map(|r| r.vehicle_class.as_str()).collect();
        let zh: Vec<&str> = records.iter().map(|r| r.vehicle_class.label_zh()).collect();
        v.errors.push(
            FieldError::new(
                "vehicle_class",
                "registry_mismatch",
                format!("the registry has this plate as {}", classes.join(", ")),
            )
            .with_zh(format!("車籍登記為{}", zh.join("、"))),
        );
        return v;
    };
    if let Some(make) = keyed_make.map(str::trim).filter(|m| !m.is_empty())
        && !same_make(make, record.make)
    {
        v.warnings.push(
            FieldError::new(
                "make",
                "registry_mismatch",
                format!("the registry says {}: is the plate right?", record.make),
            )
            .with_zh(format!("車籍登記廠牌為 {}：車牌正確嗎？", record.make)),
        );
    }
    v
}

fn same_make(a: &str, b: &str) -> bool {
    let fold = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn car() -> Registered<'static> {
        Registered {
            vehicle_class: VehicleClass::Car,
            make: "TOYOTA",
        }
    }

    #[test]
    fn unregistered_plates_and_wrong_classes_stop_the_ticket() {
        let v = check(VehicleClass::Car, None, &[]);
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].code, "not_registered");
        let v = check(VehicleClass::Motorcycle, None, &[car()]);
        assert_eq!(v.errors[0].field, "vehicle_class");
        assert!(v.warnings.is_empty());
    }

    #[test]
    fn one_plate_in_two_classes_is_told_apart_by_the_keyed_class() {
        let scooter = Registered {
            vehicle_class: VehicleClass::Motorcycle,
            make: "KYMCO",
        };
        let both = [car(), scooter];
        assert_eq!(
            check(VehicleClass::Motorcycle, Some("KYMCO"), &both),
            RegistryVerdict::default()
        );
        assert_eq!(
            check(VehicleClass::Car, Some("TOYOTA"), &both),
            RegistryVerdict::default()
        );
        let v = check(VehicleClass::Car, Some("KYMCO"), &both);
        assert_eq!(
            v.warnings[0].code, "registry_mismatch",
            "the car record's make is TOYOTA"
        );
        let v = check(VehicleClass::LargeVehicle, None, &both);
        assert_eq!(v.errors[0].code, "registry_mismatch");
    }

    #[test]
    fn a_different_make_is_a_warning_and_spelling_is_no_difference() {
        assert_eq!(
            check(VehicleClass::Car, Some("Toyota"), &[car()]),
            RegistryVerdict::default()
        );
        assert_eq!(
            check(VehicleClass::Car, Some(" toyo-ta "), &[car()]),
            RegistryVerdict::default()
        );
        let v = check(VehicleClass::Car, Some("HONDA"), &[car()]);
        assert!(v.errors.is_empty());
        assert_eq!(v.warnings[0].code, "registry_mismatch");
    }
}
