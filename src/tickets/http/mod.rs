//! Ticket endpoints, one module per resource. Handlers parse, authorise
//! and call the services.

pub mod blocks;
pub mod catalog;
pub mod tickets;
pub mod verify;

use crate::state::AppState;
use crate::tickets::view::Context;

pub(crate) fn context(state: &AppState) -> Context<'_> {
    Context {
        keys: &state.signing_keys,
        prefix: &state.settings.ticket_prefix,
        public_url: &state.settings.public_url,
        adjudication_office: &state.settings.adjudication_office,
    }
}
