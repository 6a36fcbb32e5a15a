//! The rules of a patrol box's fields: name and address lengths, a position
//! on Earth, a sensible geofence radius and dwell time. Used by creation,
//! changes and the bulk import alike.

use super::boxes::{CreateBox, DEFAULT_RADIUS_M};
use crate::error::FieldErrors;
use crate::org::valid_code;

pub(super) fn check_text(value: &str, field: &str, max: usize, errors: &mut FieldErrors) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, "required", "must not be empty");
    } else if v.chars().count() > max {
        errors.add(field, "too_long", format!("at most {max} characters"));
    } else if v.chars().any(char::is_control) {
        errors.add(field, "charset", "must not contain control characters");
    }
    v.to_owned()
}

pub(super) fn check_lat(v: f64, field: &str, errors: &mut FieldErrors) {
    if !v.is_finite() || !(-90.0..=90.0).contains(&v) {
        errors.add(field, "out_of_range", "latitude is between -90 and 90");
    }
}

pub(super) fn check_lon(v: f64, field: &str, errors: &mut FieldErrors) {
    if !v.is_finite() || !(-180.0..=180.0).contains(&v) {
        errors.add(field, "out_of_range", "longitude is between -180 and 180");
    }
}

pub(super) fn check_radius(v: f64, field: &str, errors: &mut FieldErrors) {
    if !v.is_finite() || !(5.0..=1000.0).contains(&v) {
        errors.add(field, "out_of_range", "geofence radius is 5 to 1000 metres");
    }
}

pub(super) fn check_dwell(v: i32, field: &str, allow_zero: bool, errors: &mut FieldErrors) {
    let min = if allow_zero { 0 } else { 1 };
    if !(min..=7200).contains(&v) {
        errors.add(field, "out_of_range", "minimum stay is 1 to 7200 seconds");
    }
}

/// Checks a new box's fields; `prefix` names the row in an import.
pub fn validate_new(input: &CreateBox, prefix: &str, errors: &mut FieldErrors) -> CreateBox {
    let f = |name: &str| format!("{prefix}{name}");
    let code = input.code.trim().to_ascii_uppercase();
    if !valid_code(&code) {
        errors.add(
            f("code"),
            "format",
            "2–32 upper-case letters, digits or hyphens",
        );
    }
    let name = check_text(&input.name, &f("name"), 100, errors);
    let address = check_text(&input.address, &f("address"), 200, errors);
    check_lat(input.lat, &f("lat"), errors);
    check_lon(input.lon, &f("lon"), errors);
    let radius = input.radius_m.unwrap_or(DEFAULT_RADIUS_M);
    check_radius(radius, &f("radius_m"), errors);
    if let Some(d) = input.min_dwell_secs {
        check_dwell(d, &f("min_dwell_secs"), false, errors);
    }
    CreateBox {
        code,
        name,
        address,
        radius_m: Some(radius),
        ..input.clone()
    }
}
