//! Ticket endpoints, one module per resource. Handlers parse, authorise
//! and call the services.

pub mod blocks;
pub mod catalog;
pub mod tickets;
pub mod verify;
