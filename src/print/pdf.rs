//! A small builder for A4 PDF documents: text in the bundled CJK font,
//! filled rectangles, QR codes drawn as vector squares. Coordinates are
//! millimetres from the top-left corner, as people measure a page.

use printpdf::{
    Color, DictItem, FontId, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};

use super::fonts::stack;
use crate::error::{ApiError, ApiResult};

pub const A4_WIDTH_MM: f32 = 210.0;
pub const A4_HEIGHT_MM: f32 = 297.0;

pub struct Document {
    doc: PdfDocument,
    font: FontId,
    pages: Vec<PdfPage>,
    ops: Vec<Op>,
}

fn mm_to_pt(mm: f32) -> Pt {
    Mm(mm).into_pt()
}

/// A document dated now (printpdf would date it 1970).
fn new_pdf(title: &str) -> PdfDocument {
    let mut doc = PdfDocument::new(title);
    let now = printpdf::OffsetDateTime::now_utc();
    doc.metadata.info.creation_date = now;
    doc.metadata.info.modification_date = now;
    doc.metadata.info.metadata_date = now;
    doc.metadata.info.producer = "epatrol".into();
    doc
}

/// Text operators for one run. A run holding characters that no font has
/// is wrapped in a `/Span` with `/ActualText`, so the text layer (search,
/// copy, text extractors, screen readers) keeps every character of a name
/// even where the paper shows a gap.
fn text_ops(font: FontId, size: Pt, pos: Point, text: &str) -> Vec<Op> {
    let missing = stack().is_some_and(|f| !f.missing(text).is_empty());
    let mut ops = Vec::with_capacity(7);
    if missing {
        let mut utf16 = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_be_bytes());
        }
        let mut props = std::collections::BTreeMap::new();
        props.insert(
            "ActualText".to_owned(),
            DictItem::String {
                data: utf16,
                literal: false,
            },
        );
        ops.push(Op::BeginMarkedContentWithProperties {
            tag: "Span".into(),
            properties: DictItem::Dict { map: props },
        });
    }
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(font),
            size,
        },
        Op::SetTextCursor { pos },
        Op::ShowText {
            items: vec![TextItem::Text(text.to_owned())],
        },
        Op::EndTextSection,
    ]);
    if missing {
        ops.push(Op::EndMarkedContent);
    }
    ops
}

impl Document {
    pub fn new(title: &str) -> ApiResult<Self> {
        let fonts = stack()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no usable font for PDF output")))?;
        let mut doc = new_pdf(title);
        let bundled = fonts
            .faces
            .first()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no usable font for PDF output")))?;
        let font = doc.add_font(&bundled.pdf);
        Ok(Document {
            doc,
            font,
            pages: Vec::new(),
            ops: Vec::new(),
        })
    }

    /// Starts a new page; the first page exists from the start.
    pub fn new_page(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.pages
            .push(PdfPage::new(Mm(A4_WIDTH_MM), Mm(A4_HEIGHT_MM), ops));
    }

    /// Text with its baseline at `y_mm` from the top.
    pub fn text(&mut self, x_mm: f32, y_mm: f32, size_pt: f32, text: &str) {
        self.ops.extend(text_ops(
            self.font.clone(),
            Pt(size_pt),
            Point::new(Mm(x_mm), Mm(A4_HEIGHT_MM - y_mm)),
            text,
        ));
    }

    /// A filled black rectangle with its top-left corner at (x, y).
    pub fn fill_rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32) {
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: mm_to_pt(x_mm),
                y: mm_to_pt(A4_HEIGHT_MM - y_mm - h_mm),
                width: mm_to_pt(w_mm),
                height: mm_to_pt(h_mm),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// An outlined rectangle (cut lines, table frames).
    pub fn stroke_rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32) {
        self.ops.extend([
            Op::SetOutlineThickness { pt: Pt(0.3) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: mm_to_pt(x_mm),
                    y: mm_to_pt(A4_HEIGHT_MM - y_mm - h_mm),
                    width: mm_to_pt(w_mm),
                    height: mm_to_pt(h_mm),
                    mode: Some(PaintMode::Stroke),
                    winding_order: None,
                },
            },
        ]);
    }

    /// A QR code of `payload`, `size_mm` wide including its quiet zone.
    pub fn qr(&mut self, x_mm: f32, y_mm: f32, size_mm: f32, payload: &str) -> ApiResult<()> {
        let code =
            qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("QR encoding: {e}")))?;
        let n = code.width();
        let module = size_mm / (n + 8) as f32;
        self.ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb {
                r: 0.0,
                g: 0.0,
                b: 0.0,
                icc_profile: None,
            }),
        });
        for (i, c) in code.to_colors().iter().enumerate() {
            if *c == qrcode::Color::Dark {
                let (mx, my) = ((i % n + 4) as f32, (i / n + 4) as f32);
                self.fill_rect(x_mm + mx * module, y_mm + my * module, module, module);
            }
        }
        Ok(())
    }

    /// An RGB picture (`width`×`height` pixels, 3 bytes each) placed with
    /// its top-left corner at (x, y), `w_mm` wide.
    pub fn image_rgb(
        &mut self,
        x_mm: f32,
        y_mm: f32,
        w_mm: f32,
        rgb: Vec<u8>,
        width: usize,
        height: usize,
    ) {
        let image = printpdf::RawImage {
            pixels: printpdf::RawImageData::U8(rgb),
            width,
            height,
            data_format: printpdf::RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        let id = self.doc.add_image(&image);
        // At `dpi`, `width` pixels span `w_mm`.
        let dpi = width as f32 / (w_mm / 25.4);
        let h_mm = height as f32 / dpi * 25.4;
        self.ops.push(Op::UseXobject {
            id,
            transform: printpdf::XObjectTransform {
                translate_x: Some(mm_to_pt(x_mm)),
                translate_y: Some(mm_to_pt(A4_HEIGHT_MM - y_mm - h_mm)),
                dpi: Some(dpi),
                ..Default::default()
            },
        });
    }

    /// The finished document, with the font subset to the characters used.
    pub fn finish(mut self) -> Vec<u8> {
        if !self.ops.is_empty() || self.pages.is_empty() {
            self.new_page();
        }
        let opts = PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        };
        self.doc
            .with_pages(std::mem::take(&mut self.pages))
            .save(&opts, &mut Vec::new())
    }
}

const DOTS_PER_MM: f32 = 8.0;

/// A layout as a one-page PDF of the paper's width and the layout's
/// height: text as real (selectable) text at the same positions as on the
/// thermal print, bars and QR modules as vector rectangles.
pub fn layout_pdf(title: &str, layout: &super::layout::Layout) -> ApiResult<Vec<u8>> {
    let fonts = stack()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no usable font for PDF output")))?;
    let mut doc = new_pdf(title);
    // Only the faces the layout uses go into the document.
    let mut ids: Vec<Option<FontId>> = vec![None; fonts.faces.len()];
    for e in &layout.elems {
        if let super::layout::Elem::Text { face, .. } = e
            && let Some(slot) = ids.get_mut(*face)
            && slot.is_none()
        {
            *slot = fonts.faces.get(*face).map(|f| doc.add_font(&f.pdf));
        }
    }
    let (w_mm, h_mm) = (
        layout.width as f32 / DOTS_PER_MM,
        layout.height as f32 / DOTS_PER_MM,
    );
    let mut ops = vec![Op::SetFillColor {
        col: Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        }),
    }];
    for e in &layout.elems {
        match e {
            super::layout::Elem::Text {
                x,
                baseline,
                size,
                face,
                text,
            } => ops.extend(text_ops(
                ids.get(*face)
                    .cloned()
                    .flatten()
                    .unwrap_or_else(FontId::new),
                mm_to_pt(size / DOTS_PER_MM),
                Point::new(Mm(x / DOTS_PER_MM), Mm(h_mm - baseline / DOTS_PER_MM)),
                text,
            )),
            super::layout::Elem::Rect { x, y, w, h } => ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: mm_to_pt(*x as f32 / DOTS_PER_MM),
                    y: mm_to_pt(h_mm - (*y + *h) as f32 / DOTS_PER_MM),
                    width: mm_to_pt(*w as f32 / DOTS_PER_MM),
                    height: mm_to_pt(*h as f32 / DOTS_PER_MM),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            }),
        }
    }
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    Ok(doc
        .with_pages(vec![PdfPage::new(Mm(w_mm), Mm(h_mm), ops)])
        .save(&opts, &mut Vec::new()))
}
