//! Checked as typed, field by field: the keying form's values so far are
//! judged with the rules the submission meets, and each field's message is
//! shown beside it as soon as it, and the fields its rules read with it
//! (plate and class, the fine with its article, class and day), are typed
//! — never a message about a field nobody has reached yet.

use chrono::Utc;
use maud::{Markup, html};

use super::keying::field_name;
use crate::cases::input::KeyingInput;
use crate::console::format::parse_local;
use crate::console::{field, fields};
use crate::error::FieldError;
use crate::tickets::plate::VehicleClass;

/// The keying form's fields in the order the keyer meets them.
pub const KEYING_FIELDS: [&str; 8] = [
    "plate",
    "vehicle_class",
    "article_code",
    "violation_at",
    "place",
    "facts",
    "fine",
    "make",
];

/// The fields a rule about `field` reads besides it.
fn read_with(field: &str) -> &'static [&'static str] {
    match field {
        "plate" => &["vehicle_class"],
        "vehicle_class" => &["plate"],
        "make" | "owner" => &["plate", "vehicle_class"],
        "article_code" => &["violation_at"],
        "fine" => &["article_code", "vehicle_class", "violation_at"],
        "violation_at" | "place" | "facts" => &[],
        // Anything else is about the case as a whole.
        _ => &[
            "plate",
            "vehicle_class",
            "article_code",
            "violation_at",
            "place",
            "facts",
            "fine",
        ],
    }
}

/// The form field an error or warning belongs to (`owner.address` → `owner`).
pub fn slot_of(e: &FieldError) -> &str {
    e.field.split(['.', '[']).next().unwrap_or(&e.field)
}

fn typed(form: &[(String, String)], name: &str) -> bool {
    !field(form, name).is_empty()
}

/// Whether a message about `e` may be shown while the form holds `form`.
pub fn ready(form: &[(String, String)], e: &FieldError) -> bool {
    let slot = slot_of(e);
    let own = !KEYING_FIELDS.contains(&slot) || typed(form, slot);
    own && read_with(slot).iter().all(|f| typed(form, f))
}

/// The keying so far, with stand-ins for what is not typed yet (their
/// messages are held back by `ready`), and the errors of typed values that
/// cannot be read at all.
pub fn keying_so_far(form: &[(String, String)]) -> (KeyingInput, Vec<FieldError>) {
    let mut unreadable = Vec::new();
    let vehicle_class = VehicleClass::parse(field(form, "vehicle_class"));
    let violation_at = parse_local(field(form, "violation_at"));
    if typed(form, "violation_at") && violation_at.is_none() {
        unreadable.push(FieldError::new(
            "violation_at",
            "time_format",
            "請以 115/11/30 14:05:09 或 2026-11-30 14:05:09 輸入",
        ));
    }
    let fine = field(form, "fine").replace(',', "").parse::<i32>().ok();
    if typed(form, "fine") && fine.is_none() {
        unreadable.push(FieldError::new(
            "fine",
            "not_a_number",
            "請輸入金額（數字）",
        ));
    }
    let input = KeyingInput {
        plate: field(form, "plate").to_owned(),
        vehicle_class: vehicle_class.unwrap_or(VehicleClass::Car),
        article_code: field(form, "article_code").to_owned(),
        violation_at: violation_at.unwrap_or_else(Utc::now),
        place: field(form, "place").to_owned(),
        facts: field(form, "facts").to_owned(),
        fine: fine.unwrap_or(0),
        make: Some(field(form, "make").to_owned()).filter(|m| !m.is_empty()),
        acknowledge: fields(form, "acknowledge"),
    };
    (input, unreadable)
}

/// The messages of one field's slot.
pub fn slot_messages(slot: &str, errors: &[FieldError], warnings: &[FieldError]) -> Markup {
    let explain = crate::console::words::explain;
    html! {
        @for e in errors.iter().filter(|e| slot_of(e) == slot) { span.error { (explain(e)) } }
        @for w in warnings.iter().filter(|w| slot_of(w) == slot) { span.warn { "提醒：" (explain(w)) } }
    }
}

/// The answer to a check: every field's slot replaced out of band (so a
/// message goes away once its field is right) and, in the summary, what
/// belongs to no field, or that all is well once everything is typed.
pub fn answer(form: &[(String, String)], errors: &[FieldError], warnings: &[FieldError]) -> Markup {
    let errors: Vec<FieldError> = errors.iter().filter(|e| ready(form, e)).cloned().collect();
    let warnings: Vec<FieldError> = warnings
        .iter()
        .filter(|w| ready(form, w))
        .cloned()
        .collect();
    let elsewhere = |e: &&FieldError| !KEYING_FIELDS.contains(&slot_of(e));
    let complete = KEYING_FIELDS
        .iter()
        .filter(|f| **f != "make")
        .all(|f| typed(form, f));
    html! {
        @for slot in KEYING_FIELDS {
            div.field-msg id=(format!("m-{slot}")) hx-swap-oob="true" { (slot_messages(slot, &errors, &warnings)) }
        }
        @if complete && errors.is_empty() && warnings.is_empty() {
            p.good { "✓ 檢查通過" }
        }
        @for e in errors.iter().filter(elsewhere) {
            p.error { (field_name(slot_of(e))) "：" (crate::console::words::explain(e)) }
        }
        @for w in warnings.iter().filter(elsewhere) {
            p.warn { "提醒：" (field_name(slot_of(w))) "：" (crate::console::words::explain(w)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn error(field: &str) -> FieldError {
        FieldError::new(field, "x", "x")
    }

    #[test]
    fn a_plate_is_judged_once_its_class_is_typed_without_waiting_for_the_fine() {
        let plate = error("plate");
        assert!(!ready(&form(&[("plate", "ABC-1234")]), &plate));
        let both = form(&[("plate", "ABC-1234"), ("vehicle_class", "motorcycle")]);
        assert!(ready(&both, &plate));
        assert!(!ready(&both, &error("fine")), "nobody has reached the fine");
        assert!(!ready(&both, &error("article_code")));
    }

    #[test]
    fn a_fine_waits_for_the_article_class_and_day_it_is_read_with() {
        let fine = error("fine");
        let some = form(&[
            ("fine", "900"),
            ("vehicle_class", "car"),
            ("article_code", "53-1"),
        ]);
        assert!(!ready(&some, &fine));
        let all = form(&[
            ("fine", "900"),
            ("vehicle_class", "car"),
            ("article_code", "53-1"),
            ("violation_at", "115/11/30 14:05:09"),
        ]);
        assert!(ready(&all, &fine));
    }

    #[test]
    fn an_unreadable_value_is_named_as_soon_as_it_is_typed() {
        let (_, unreadable) = keying_so_far(&form(&[("fine", "九百")]));
        assert_eq!(unreadable.len(), 1);
        assert_eq!(unreadable[0].field, "fine");
        let (_, none) = keying_so_far(&form(&[("plate", "ABC-1234")]));
        assert!(none.is_empty(), "an empty fine is not yet wrong");
    }

    #[test]
    fn nested_fields_belong_to_their_form_field() {
        assert_eq!(slot_of(&error("owner.address")), "owner");
        assert_eq!(slot_of(&error("plate")), "plate");
    }
}
