//! The start every CSV import shares: a reader that trims fields, and a
//! header that must be exactly the import's columns.

use crate::error::{ApiError, ApiResult};

/// A reader over `csv_text` whose first line has been checked to be
/// `columns` (comma-separated, in order).
pub fn reader<'a>(csv_text: &'a [u8], columns: &str) -> ApiResult<csv::Reader<&'a [u8]>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::bad_request("malformed_csv", e.to_string()))?;
    if !headers.iter().eq(columns.split(',')) {
        return Err(ApiError::field(
            "header",
            "columns",
            format!("the first line must be: {columns}"),
        ));
    }
    Ok(reader)
}
