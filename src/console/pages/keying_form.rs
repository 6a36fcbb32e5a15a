//! What the keying and verification forms carry, read into the inputs the
//! services take; a time or number that cannot be read is a field error.

use chrono::{DateTime, Utc};

use crate::cases::input::{CriticalInput, KeyingInput};
use crate::console::format::parse_local;
use crate::console::{field, fields};
use crate::error::FieldError;
use crate::tickets::plate::VehicleClass;

/// The keyer's values from the form; a time or number that cannot be read
/// is a field error.
pub(super) fn keying_input(form: &[(String, String)]) -> Result<KeyingInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let critical = critical_input(form).map_err(|e| errors.extend(e)).ok();
    let fine = field(form, "fine").replace(',', "").parse::<i32>();
    if fine.is_err() {
        errors.push(FieldError::new(
            "fine",
            "not_a_number",
            "請輸入金額（數字）",
        ));
    }
    match (critical, fine) {
        (Some(c), Ok(fine)) if errors.is_empty() => Ok(KeyingInput {
            plate: c.plate,
            vehicle_class: c.vehicle_class,
            article_code: c.article_code,
            violation_at: c.violation_at,
            place: field(form, "place").to_owned(),
            facts: field(form, "facts").to_owned(),
            fine,
            make: Some(field(form, "make").to_owned()).filter(|m| !m.is_empty()),
            acknowledge: fields(form, "acknowledge"),
        }),
        _ => Err(errors),
    }
}

pub(super) fn critical_input(form: &[(String, String)]) -> Result<CriticalInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let class = VehicleClass::parse(field(form, "vehicle_class"));
    if class.is_none() {
        errors.push(FieldError::new("vehicle_class", "required", "請選擇車種"));
    }
    let at: Option<DateTime<Utc>> = parse_local(field(form, "violation_at"));
    if at.is_none() {
        errors.push(FieldError::new(
            "violation_at",
            "time_format",
            "請以 115/11/30 14:05:09 或 2026-11-30 14:05:09 輸入",
        ));
    }
    match (class, at) {
        (Some(vehicle_class), Some(violation_at)) => Ok(CriticalInput {
            plate: field(form, "plate").to_owned(),
            vehicle_class,
            article_code: field(form, "article_code").to_owned(),
            violation_at,
        }),
        _ => Err(errors),
    }
}
