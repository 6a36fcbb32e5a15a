//! QR codes of box payloads as SVG or PNG.

use qrcode::{EcLevel, QrCode};

use crate::error::{ApiError, ApiResult};

fn code(payload: &str) -> ApiResult<QrCode> {
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("QR encoding: {e}")))
}

pub fn svg(payload: &str) -> ApiResult<String> {
    Ok(code(payload)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

/// Black-on-white PNG, `scale` pixels per module, with the 4-module quiet zone.
pub fn png(payload: &str, scale: usize) -> ApiResult<Vec<u8>> {
    let qr = code(payload)?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i % modules + quiet, i / modules + quiet);
            for y in my * scale..(my + 1) * scale {
                if let Some(run) =
                    pixels.get_mut(y * side + mx * scale..y * side + (mx + 1) * scale)
                {
                    run.fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let io = |e: png::EncodingError| ApiError::Internal(anyhow::Error::new(e));
        let mut writer = encoder.write_header().map_err(io)?;
        writer.write_image_data(&pixels).map_err(io)?;
    }
    Ok(out)
}
