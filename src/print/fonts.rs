//! The fonts the server prints with. Noto Sans TC Medium (SIL OFL 1.1, see
//! `assets/fonts/OFL.txt`) is compiled into the binary: Taiwan glyph forms,
//! and strokes that survive 203 dpi thermal printing. `EPATROL_FONTS` adds
//! fallback faces for characters it lacks (rare characters in people's
//! names, Unicode Ext-A/B), tried in order, character by character.

use std::path::PathBuf;
use std::sync::OnceLock;

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

static STACK: OnceLock<Option<FontStack>> = OnceLock::new();

fn face(bytes: &'static [u8], index: u32, name: &str) -> anyhow::Result<Face> {
    let raster = FontRef::try_from_slice_and_index(bytes, index)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let pdf = ParsedFont::from_bytes(bytes, index as usize, &mut Vec::new())
        .with_context(|| format!("{name}: not a font the PDF writer can use"))?;
    Ok(Face { raster, pdf })
}

/// Loads the bundled face and the configured fallbacks (`path` or
/// `path#face-index` for collections). Called once at start-up; a font that
/// cannot be loaded is an error naming the setting.
pub fn install(fallbacks: &[PathBuf]) -> anyhow::Result<()> {
    if STACK.get().is_some() {
        if !fallbacks.is_empty() {
            tracing::warn!("fonts were already loaded; EPATROL_FONTS is read only at start-up");
        }
        return Ok(());
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
        // Fonts live for the whole process.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        faces.push(face(bytes, index, &format!("EPATROL_FONTS: {path}"))?);
        tracing::info!(font.path = %path, "fallback font loaded");
    }
    let _ = STACK.set(Some(FontStack { faces }));
    Ok(())
}

/// The fonts in use; the bundled face alone unless [`install`] added more.
pub fn stack() -> Option<&'static FontStack> {
    STACK
        .get_or_init(|| match face(NOTO_SANS_TC, 0, "bundled Noto Sans TC") {
            Ok(f) => Some(FontStack { faces: vec![f] }),
            Err(e) => {
                tracing::error!(error = %e, "the bundled font could not be loaded");
                None
            }
        })
        .as_ref()
}
