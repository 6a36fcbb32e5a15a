//! What a simulated process issued, and at what cost.

use super::Outcome;
use crate::cases::compare::{self, Critical};

/// Tickets issued, how many wrong and in which field, keystrokes and steps.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) tickets: u64,
    pub(super) wrong: u64,
    pub(super) by_field: std::collections::BTreeMap<&'static str, u64>,
    pub(super) keystrokes: u64,
    pub(super) steps: u64,
}

impl Tally {
    pub(super) fn issue(&mut self, issued: &Critical, truth: &Critical) {
        self.tickets += 1;
        if let Some(field) = compare::differences(issued, truth).first() {
            self.wrong += 1;
            *self.by_field.entry(field).or_default() += 1;
        }
    }

    pub(super) fn outcome(&self, process: &'static str) -> Outcome {
        let n = self.tickets.max(1) as f64;
        Outcome {
            process,
            tickets: self.tickets,
            wrong: self.wrong,
            wrong_by_field: self.by_field.clone(),
            error_rate: self.wrong as f64 / n,
            keystrokes_per_ticket: self.keystrokes as f64 / n,
            steps_per_ticket: self.steps as f64 / n,
        }
    }
}
