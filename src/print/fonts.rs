//! The fonts the server prints with. Noto Sans TC Medium (SIL OFL 1.1, see
//! `assets/fonts/OFL.txt`) is compiled into the binary: Taiwan glyph forms,
//! and strokes that survive 203 dpi thermal printing. `EPATROL_FONTS` adds
//! fallback faces for characters it lacks (rare characters in people's
//! names, Unicode Ext-A/B), tried in order, character by character.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use ab_glyph::{Font, FontRef};
use anyhow::Context;
use printpdf::ParsedFont;

/// Noto Sans TC Medium, the default face.
pub static NOTO_SANS_TC: &[u8] = include_bytes!("../../assets/fonts/NotoSansTC-Medium.ttf");

/// One face, parsed once per process for both renderers.
pub struct Face {
    pub raster: FontRef<'static>,
    pub pdf: ParsedFont,
}

pub struct FontStack {
    pub faces: Vec<Face>,
}

impl FontStack {
    /// The face to draw `c` with: the first that has it, else the first.
    pub fn face_for(&self, c: char) -> usize {
        self.faces
            .iter()
            .position(|f| f.raster.glyph_id(c).0 != 0)
            .unwrap_or(0)
    }

    /// Characters of `text` no face has (they would print as boxes).
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| {
                !c.is_whitespace() && self.faces.iter().all(|f| f.raster.glyph_id(*c).0 == 0)
            })
            .collect();
        out.dedup();
        out
    }
}

fn face(bytes: &'static [u8], index: u32, name: &str) -> anyhow::Result<Face> {
    let raster = FontRef::try_from_slice_and_index(bytes, index)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let pdf = ParsedFont::from_bytes(bytes, index as usize, &mut Vec::new())
        .with_context(|| format!("{name}: not a font the PDF writer can use"))?;
    Ok(Face { raster, pdf })
}

/// Loads the bundled face and the configured fallbacks (`path` or
/// `path#face-index` for collections); a font that cannot be loaded is an
/// error naming the setting. Called once per application at start-up.
pub fn load(fallbacks: &[PathBuf]) -> anyhow::Result<Arc<FontStack>> {
    if fallbacks.is_empty()
        && let Some(bundled) = bundled()
    {
        return Ok(bundled);
    }
    let mut faces = vec![face(NOTO_SANS_TC, 0, "bundled Noto Sans TC")?];
    for entry in fallbacks {
        let text = entry.to_string_lossy();
        let (path, index) = match text.rsplit_once('#') {
            Some((p, i)) => (
                p.to_owned(),
                i.parse::<u32>()
                    .with_context(|| format!("EPATROL_FONTS: bad face index in {text}"))?,
            ),
            None => (text.to_string(), 0),
        };
        let bytes =
            std::fs::read(&path).with_context(|| format!("EPATROL_FONTS: cannot read {path}"))?;
        // A face borrows its bytes for as long as the application runs.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        faces.push(face(bytes, index, &format!("EPATROL_FONTS: {path}"))?);
        tracing::info!(font.path = %path, "fallback font loaded");
    }
    Ok(Arc::new(FontStack { faces }))
}

/// The bundled face alone, parsed once per process.
fn bundled() -> Option<Arc<FontStack>> {
    static BUNDLED: OnceLock<Option<Arc<FontStack>>> = OnceLock::new();
    BUNDLED
        .get_or_init(|| match face(NOTO_SANS_TC, 0, "bundled Noto Sans TC") {
            Ok(f) => Some(Arc::new(FontStack { faces: vec![f] })),
            Err(e) => {
                tracing::error!(error = %e, "the bundled font could not be loaded");
                None
            }
        })
        .clone()
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<FontStack>>> = const { RefCell::new(None) };
}

/// Runs `f` with `fonts` as the fonts in use on this thread; the
/// application state puts its fonts in scope for all its work.
pub fn scope<T>(fonts: &Arc<FontStack>, f: impl FnOnce() -> T) -> T {
    let previous = CURRENT.with(|c| c.replace(Some(fonts.clone())));
    let result = f();
    CURRENT.with(|c| c.replace(previous));
    result
}

/// The fonts in use: the application's within its work, else the bundled
/// face alone.
pub fn stack() -> Option<Arc<FontStack>> {
    CURRENT.with(|c| c.borrow().clone()).or_else(bundled)
}
