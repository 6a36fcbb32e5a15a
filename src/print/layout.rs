//! One layout model of a printed ticket, measured in printer dots (8 per
//! mm at 203 dpi, y down). The raster and the PDF are both drawn from it,
//! so they have the same geometry. Widths come from the font's advance
//! widths, the same numbers the PDF carries.

use ab_glyph::{Font, FontRef, ScaleFont};

#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    /// Text with its baseline at `baseline`; `size` is the em size in dots.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        text: String,
    },
    /// A filled black rectangle.
    Rect { x: u32, y: u32, w: u32, h: u32 },
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub elems: Vec<Elem>,
}

/// Scale for an em size in dots (ab_glyph's scale is ascent − descent).
pub fn scale_for(font: &FontRef<'_>, em: f32) -> ab_glyph::PxScale {
    let upem = font.units_per_em().unwrap_or(1000.0);
    ab_glyph::PxScale::from(em * font.height_unscaled() / upem)
}

pub fn text_width(font: &FontRef<'_>, em: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(scale_for(font, em));
    text.chars()
        .map(|c| scaled.h_advance(font.glyph_id(c)))
        .sum()
}

/// Characters the font has no glyph for (they would print as boxes).
pub fn missing_glyphs(font: &FontRef<'_>, text: &str) -> Vec<char> {
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && font.glyph_id(*c).0 == 0)
        .collect();
    missing.dedup();
    missing
}

/// Lays out lines top to bottom, wrapping on width.
pub struct Builder<'f> {
    font: &'f FontRef<'f>,
    pub width: u32,
    margin: f32,
    pub y: f32,
    pub elems: Vec<Elem>,
}

impl<'f> Builder<'f> {
    pub fn new(font: &'f FontRef<'f>, width: u32) -> Self {
        Builder {
            font,
            width,
            margin: 8.0,
            y: 8.0,
            elems: Vec::new(),
        }
    }

    /// A paragraph in `em`-dot type, wrapped to the paper width.
    pub fn text(&mut self, em: f32, text: &str) {
        let usable = self.width as f32 - 2.0 * self.margin;
        let mut line = String::new();
        for c in text.chars() {
            let candidate = format!("{line}{c}");
            if text_width(self.font, em, &candidate) > usable && !line.is_empty() {
                self.line(em, &line);
                line = c.to_string();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            self.line(em, &line);
        }
    }

    fn line(&mut self, em: f32, text: &str) {
        let ascent = em * 0.9;
        self.elems.push(Elem::Text {
            x: self.margin,
            baseline: self.y + ascent,
            size: em,
            text: text.to_owned(),
        });
        self.y += em * 1.25;
    }

    /// A label and value on one line pair: "label：value".
    pub fn field(&mut self, label: &str, value: &str) {
        self.text(22.0, &format!("{label}：{value}"));
    }

    pub fn rule(&mut self) {
        self.y += 4.0;
        self.elems.push(Elem::Rect {
            x: self.margin as u32,
            y: self.y as u32,
            w: self.width - 2 * self.margin as u32,
            h: 2,
        });
        self.y += 8.0;
    }

    pub fn gap(&mut self, dots: f32) {
        self.y += dots;
    }

    /// A QR code centred, `module` dots per module.
    pub fn qr(&mut self, payload: &str, module: u32) -> Result<(), qrcode::types::QrError> {
        let code =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)?;
        let n = code.width() as u32;
        let size = (n + 8) * module;
        let left = (self.width.saturating_sub(size)) / 2 + 4 * module;
        let top = self.y as u32 + 4 * module;
        for (i, c) in code.to_colors().iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (mx, my) = (i as u32 % n, i as u32 / n);
                self.elems.push(Elem::Rect {
                    x: left + mx * module,
                    y: top + my * module,
                    w: module,
                    h: module,
                });
            }
        }
        self.y += size as f32;
        Ok(())
    }

    /// A Code 39 barcode, `narrow` and `wide` dots per bar, `height` dots tall.
    pub fn code39(&mut self, text: &str, narrow: u32, wide: u32, height: u32) {
        let pattern = super::code39::encode(text);
        let total: u32 = pattern
            .iter()
            .map(|(_, w)| if *w { wide } else { narrow })
            .sum();
        let mut x = (self.width.saturating_sub(total)) / 2;
        let top = self.y as u32;
        for (bar, is_wide) in pattern {
            let w = if is_wide { wide } else { narrow };
            if bar {
                self.elems.push(Elem::Rect {
                    x,
                    y: top,
                    w,
                    h: height,
                });
            }
            x += w;
        }
        self.y += height as f32 + 6.0;
    }

    pub fn finish(self) -> Layout {
        Layout {
            width: self.width,
            height: (self.y + 24.0).ceil() as u32,
            elems: self.elems,
        }
    }
}
