//! One module per area of the console.

pub mod accounts;
pub mod boxes;
pub mod catalog;
pub mod checkins;
pub mod city;
pub mod contracts;
pub mod coverage;
pub mod home;
pub mod hq_tools;
pub mod keying;
mod keying_check;
mod keying_form;
pub mod login;
pub mod officers;
pub mod plans;
pub mod quality;
pub mod review;
pub mod ticket_actions;
pub mod tickets;
pub mod vendor;
pub mod work;
mod work_fields;
