//! Simulations that prove what the workflow achieves, run on the same rule
//! functions the services use: `epatrol simulate keying`.

pub mod keying;
pub mod mistakes;
