//! Which files count as evidence: the media type a client declares must be
//! one we take and must be what the bytes are, so a script cannot be
//! stored as a "photo" and served back to a browser.

/// Media types taken as evidence, with the signature their bytes start with.
pub const ACCEPTED: [&str; 4] = ["image/jpeg", "image/png", "video/mp4", "application/pdf"];

/// The media type the bytes show, judged by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.get(4..8) == Some(b"ftyp") {
        Some("video/mp4")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Why a file is not taken as evidence.
#[derive(Debug, PartialEq, Eq)]
pub enum MediaProblem {
    /// The declared type is not one we take.
    NotAccepted,
    /// The bytes are not what the declared type says.
    Mismatch {
        found: Option<&'static str>,
    },
    Empty,
    TooLarge {
        limit: usize,
    },
}

/// Checks a file before it is stored; `declared` is the request's media
/// type without parameters.
pub fn check(declared: &str, bytes: &[u8], limit: usize) -> Result<&'static str, MediaProblem> {
    let declared = declared.trim().to_ascii_lowercase();
    let accepted = ACCEPTED
        .into_iter()
        .find(|t| *t == declared)
        .ok_or(MediaProblem::NotAccepted)?;
    if bytes.is_empty() {
        return Err(MediaProblem::Empty);
    }
    if bytes.len() > limit {
        return Err(MediaProblem::TooLarge { limit });
    }
    match sniff(bytes) {
        Some(found) if found == accepted => Ok(accepted),
        found => Err(MediaProblem::Mismatch { found }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_must_be_what_the_type_says() {
        let png = b"\x89PNG\r\n\x1a\n....";
        assert_eq!(check("image/png", png, 100), Ok("image/png"));
        assert_eq!(check("IMAGE/PNG ", png, 100), Ok("image/png"));
        assert_eq!(
            check("image/jpeg", png, 100),
            Err(MediaProblem::Mismatch {
                found: Some("image/png")
            })
        );
        assert_eq!(
            check("image/png", b"<script>", 100),
            Err(MediaProblem::Mismatch { found: None })
        );
        assert_eq!(check("text/html", png, 100), Err(MediaProblem::NotAccepted));
        assert_eq!(check("image/png", b"", 100), Err(MediaProblem::Empty));
        assert_eq!(
            check("image/png", png, 4),
            Err(MediaProblem::TooLarge { limit: 4 })
        );
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42"), Some("video/mp4"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
    }
}
