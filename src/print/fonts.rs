//! The fonts the server prints with. Noto Sans TC Medium (SIL OFL 1.1, see
//! `assets/fonts/OFL.txt`) is compiled into the binary: Taiwan glyph forms,
//! and strokes that survive 203 dpi thermal printing.

use std::sync::{Arc, OnceLock};

use printpdf::ParsedFont;

/// Noto Sans TC Medium, the default face.
pub static NOTO_SANS_TC: &[u8] = include_bytes!("../../assets/fonts/NotoSansTC-Medium.ttf");

/// A parsed face, shared: parsing a CJK font takes a while, so it is done
/// once per process.
pub struct Face {
    pub pdf: ParsedFont,
}

static DEFAULT_FACE: OnceLock<Option<Arc<Face>>> = OnceLock::new();

/// The bundled default face; `None` only if the bundled file is damaged.
pub fn default_face() -> Option<Arc<Face>> {
    DEFAULT_FACE
        .get_or_init(|| {
            let parsed = ParsedFont::from_bytes(NOTO_SANS_TC, 0, &mut Vec::new());
            if parsed.is_none() {
                tracing::error!("the bundled font could not be parsed");
            }
            parsed.map(|pdf| Arc::new(Face { pdf }))
        })
        .clone()
}

/// The bundled face for rasterising; `None` only if the file is damaged.
pub fn raster_face() -> Option<&'static ab_glyph::FontRef<'static>> {
    static FACE: OnceLock<Option<ab_glyph::FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ab_glyph::FontRef::try_from_slice(NOTO_SANS_TC).ok())
        .as_ref()
}
