//! The fields of the work screens: each keeps what was typed, carries its
//! message slot (filled by a refusal or by the checks as typed) and, for
//! the first field or the first in error, the cursor.

use maud::{Markup, html};

use super::keying::class_name;
use super::keying_check::{slot_messages, slot_of};
use crate::console::field;
use crate::error::FieldError;
use crate::tickets::plate::VehicleClass;

/// What a screen marks on its fields: the messages of a refused
/// submission beside each, and which field has the cursor (the first in
/// error, else the first).
pub struct Marks<'a> {
    errors: &'a [FieldError],
    warnings: &'a [FieldError],
    focus: &'a str,
}

impl<'a> Marks<'a> {
    pub fn new(order: &[&'a str], errors: &'a [FieldError], warnings: &'a [FieldError]) -> Self {
        let focus = order
            .iter()
            .find(|f| errors.iter().any(|e| slot_of(e) == **f))
            .or(order.first())
            .copied()
            .unwrap_or_default();
        Marks {
            errors,
            warnings,
            focus,
        }
    }

    fn wrong(&self, name: &str) -> bool {
        self.errors.iter().any(|e| slot_of(e) == name)
    }

    /// The field's message slot, which the checks as typed fill.
    fn slot(&self, name: &str) -> Markup {
        html! {
            div.field-msg id=(format!("m-{name}")) { (slot_messages(name, self.errors, self.warnings)) }
        }
    }
}

/// A text field of the form, keeping what was typed, with its messages.
pub fn text(
    form: &[(String, String)],
    name: &str,
    label: &str,
    hint: &str,
    marks: &Marks,
) -> Markup {
    let id = format!("f-{name}");
    html! {
        label for=(id) { (label) }
        input id=(id) type="text" name=(name) value=(field(form, name)) autocomplete="off"
            placeholder=(hint) aria-describedby=(format!("m-{name}"))
            aria-invalid=[marks.wrong(name).then_some("true")]
            data-autofocus[marks.focus == name];
        (marks.slot(name))
    }
}

pub fn class_select(form: &[(String, String)], marks: &Marks) -> Markup {
    let chosen = field(form, "vehicle_class");
    html! {
        label for="f-vehicle_class" { "車種" }
        select #f-vehicle_class name="vehicle_class" aria-describedby="m-vehicle_class"
            aria-invalid=[marks.wrong("vehicle_class").then_some("true")]
            data-autofocus[marks.focus == "vehicle_class"] {
            option value="" { "（選擇）" }
            @for c in VehicleClass::ALL {
                option value=(c.as_str()) selected[chosen == c.as_str()] { (class_name(c)) }
            }
        }
        (marks.slot("vehicle_class"))
    }
}
