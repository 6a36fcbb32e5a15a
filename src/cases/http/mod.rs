//! Case endpoints, one module per resource. Handlers parse, authorise and
//! call the services; the services decide who may do what.

pub mod cases;
pub mod evidence;
pub mod queues;
pub mod steps;
