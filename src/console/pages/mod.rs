//! One module per area of the console.

pub mod checkins;
pub mod coverage;
pub mod home;
pub mod keying;
pub mod login;
pub mod review;
pub mod tickets;
pub mod work;
