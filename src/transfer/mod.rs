//! The exchange with the motor vehicles office (監理機關): issued tickets
//! go out in batches, each with a receipt that stops it being sent twice
//! (`batch.rs`); the office's rejections (退件) come back and count as
//! errors (`rejections.rs`). The format is ours, written down in
//! `docs/transfer-format.md`: the office's own is not public.

pub mod batch;
mod file_format;
pub mod http;
pub mod rejections;
