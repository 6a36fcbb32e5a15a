//! A layout drawn as a 1-bit raster (1 = black), rows packed MSB first: the
//! format ESC/POS `GS v 0`, ZPL `^GF` and CPCL `EG`/`CG` all take.

use ab_glyph::{Font, ScaleFont, point};

use super::fonts::FontStack;

use super::layout::{Elem, Layout, scale_for};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    /// Bytes per row.
    pub stride: usize,
    pub bits: Vec<u8>,
}

impl Bitmap {
    pub fn new(width: u32, height: u32) -> Self {
        let stride = width.div_ceil(8) as usize;
        Bitmap {
            width,
            height,
            stride,
            bits: vec![0; stride * height as usize],
        }
    }

    pub fn set(&mut self, x: u32, y: u32) {
        if x < self.width
            && y < self.height
            && let Some(byte) = self
                .bits
                .get_mut(y as usize * self.stride + (x / 8) as usize)
        {
            *byte |= 0x80 >> (x % 8);
        }
    }

    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width
            && y < self.height
            && self
                .bits
                .get(y as usize * self.stride + (x / 8) as usize)
                .is_some_and(|byte| byte & (0x80 >> (x % 8)) != 0)
    }

    pub fn row(&self, y: u32) -> &[u8] {
        self.bits
            .get(y as usize * self.stride..(y as usize + 1) * self.stride)
            .unwrap_or_default()
    }
}

/// Draws text (coverage ≥ 0.5 is black) and rectangles.
pub fn render(layout: &Layout, fonts: &FontStack) -> Bitmap {
    let mut bm = Bitmap::new(layout.width, layout.height);
    for e in &layout.elems {
        match e {
            Elem::Rect { x, y, w, h } => {
                for yy in *y..y + h {
                    for xx in *x..x + w {
                        bm.set(xx, yy);
                    }
                }
            }
            Elem::Text {
                x,
                baseline,
                size,
                face,
                text,
            } => {
                let Some(font) = fonts.faces.get(*face).or(fonts.faces.first()) else {
                    continue;
                };
                let font = &font.raster;
                let scaled = font.as_scaled(scale_for(font, *size));
                let mut caret = *x;
                for c in text.chars() {
                    let id = font.glyph_id(c);
                    let glyph = id.with_scale_and_position(scaled.scale(), point(caret, *baseline));
                    caret += scaled.h_advance(id);
                    if let Some(outlined) = font.outline_glyph(glyph) {
                        let b = outlined.px_bounds();
                        outlined.draw(|gx, gy, coverage| {
                            if coverage >= 0.5 {
                                let (px, py) =
                                    (b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                                if px >= 0 && py >= 0 {
                                    bm.set(px as u32, py as u32);
                                }
                            }
                        });
                    }
                }
            }
        }
    }
    bm
}
