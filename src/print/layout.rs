//! One layout model of a printed ticket, measured in printer dots (8 per
//! mm at 203 dpi, y down). The raster and the PDF are both drawn from it,
//! so they have the same geometry. Widths come from the font's advance
//! widths, the same numbers the PDF carries.

use ab_glyph::{Font, FontRef, ScaleFont};

use super::fonts::FontStack;

#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    /// Text in face `face` of the font stack with its baseline at
    /// `baseline`; `size` is the em size in dots.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        face: usize,
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

fn advance(stack: &FontStack, em: f32, c: char) -> f32 {
    let Some(face) = stack.faces.get(stack.face_for(c)) else {
        return 0.0;
    };
    let font = &face.raster;
    font.as_scaled(scale_for(font, em))
        .h_advance(font.glyph_id(c))
}

pub fn text_width(stack: &FontStack, em: f32, text: &str) -> f32 {
    text.chars().map(|c| advance(stack, em, c)).sum()
}

/// Lays out lines top to bottom, wrapping on width.
pub struct Builder<'f> {
    fonts: &'f FontStack,
    pub width: u32,
    margin: f32,
    pub y: f32,
    pub elems: Vec<Elem>,
}

impl<'f> Builder<'f> {
    pub fn new(fonts: &'f FontStack, width: u32) -> Self {
        Builder {
            fonts,
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
            if text_width(self.fonts, em, &candidate) > usable && !line.is_empty() {
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

    /// One line, split into runs of the face each character is drawn with.
    fn line(&mut self, em: f32, text: &str) {
        let baseline = self.y + em * 0.9;
        let mut x = self.margin;
        let mut run = String::new();
        let mut run_face = None;
        for c in text.chars() {
            let face = self.fonts.face_for(c);
            if run_face.is_some_and(|f| f != face) {
                let width = text_width(self.fonts, em, &run);
                self.elems.push(Elem::Text {
                    x,
                    baseline,
                    size: em,
                    face: run_face.unwrap_or(0),
                    text: std::mem::take(&mut run),
                });
                x += width;
            }
            run_face = Some(face);
            run.push(c);
        }
        if !run.is_empty() {
            self.elems.push(Elem::Text {
                x,
                baseline,
                size: em,
                face: run_face.unwrap_or(0),
                text: run,
            });
        }
        self.y += em * 1.25;
    }

    /// A label and value on one line pair: "label：value".
    pub fn field(&mut self, label: &str, value: &str) {
        self.text(22.0, &format!("{label}：{value}"));
    }

    pub fn rule(&mut self) {
        self.bar(2);
    }

    /// A full-width black bar `thickness` dots high.
    pub fn bar(&mut self, thickness: u32) {
        self.y += 4.0;
        self.elems.push(Elem::Rect {
            x: self.margin as u32,
            y: self.y as u32,
            w: self.width - 2 * self.margin as u32,
            h: thickness,
        });
        self.y += 4.0 + thickness as f32;
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
