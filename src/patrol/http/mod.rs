//! Patrol endpoints, one module per resource. Handlers parse, authorise and
//! call; the rules live in the capability's other modules.

pub mod boxes;
pub mod checkins;
pub mod coverage;
pub mod keys;
pub mod plans;
pub mod reviews;
