//! Printing: fonts with Traditional Chinese, and PDF documents (box sticker
//! sheets, reports). Fonts ship with the server so Chinese prints out of
//! the box on a fresh machine.

pub mod code39;
pub mod fonts;
pub mod layout;
pub mod pdf;
pub mod printer;
pub mod raster;
