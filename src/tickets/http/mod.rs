//! Ticket endpoints, one module per resource. Handlers parse, authorise
//! and call the services.

pub mod blocks;
pub mod catalog;
pub mod tickets;
pub mod verify;

use crate::state::AppState;
use crate::tickets::view::Context;

pub(crate) fn context(state: &AppState) -> Context<'_> {
    Context::of(state)
}
