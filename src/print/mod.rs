//! Printing: fonts with Traditional Chinese, and PDF documents (box sticker
//! sheets, reports). Fonts ship with the server so Chinese prints out of
//! the box on a fresh machine.

pub mod fonts;
pub mod pdf;
