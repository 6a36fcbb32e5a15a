//! The report's charts, drawn by plotters to RGB pixels for the PDF; their
//! labels are written by the PDF as text (selectable, in the CJK font).

use plotters::prelude::*;

use crate::error::{ApiError, ApiResult};

/// Pixels of a chart: width, height, RGB bytes.
pub struct Picture {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

/// Margin in pixels between the picture's edge and the plotting area.
pub const MARGIN: u32 = 12;

fn failed<E: std::fmt::Debug>(e: E) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("drawing a chart: {e:?}"))
}

fn axes<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x: (f64, f64),
    y_top: f64,
) -> ApiResult<()> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x.0, y_top), (x.0, 0.0), (x.1, 0.0)],
            BLACK.stroke_width(2),
        )))
        .map_err(failed)?;
    Ok(())
}

/// The monthly error rate (in per cent) as a line, with the target as a
/// red line across.
pub fn trend(
    rates_pct: &[f64],
    target_pct: f64,
    width: u32,
    height: u32,
) -> ApiResult<(Picture, f64)> {
    let top = rates_pct.iter().copied().fold(target_pct * 2.0, f64::max) * 1.1;
    let n = rates_pct.len().max(1) as f64;
    let mut rgb = vec![255u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(MARGIN)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..top)
            .map_err(failed)?;
        axes(&mut chart, (-0.5, n - 0.5), top)?;
        chart
            .draw_series(LineSeries::new(
                [(-0.5, target_pct), (n - 0.5, target_pct)],
                RED.stroke_width(2),
            ))
            .map_err(failed)?;
        chart
            .draw_series(LineSeries::new(
                rates_pct.iter().enumerate().map(|(i, r)| (i as f64, *r)),
                BLUE.stroke_width(3),
            ))
            .map_err(failed)?;
        chart
            .draw_series(rates_pct.iter().enumerate().map(|(i, r)| {
                let x = i as f64;
                Rectangle::new(
                    [(x - 0.06, r - top * 0.015), (x + 0.06, r + top * 0.015)],
                    BLUE.filled(),
                )
            }))
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok((
        Picture {
            width: width as usize,
            height: height as usize,
            rgb,
        },
        top,
    ))
}

/// Bars of counts, one per bucket.
pub fn bars(counts: &[u64], width: u32, height: u32) -> ApiResult<(Picture, f64)> {
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
    let n = counts.len().max(1) as f64;
    let mut rgb = vec![255u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(MARGIN)
            .build_cartesian_2d(0.0..n, 0.0..top)
            .map_err(failed)?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, c)| {
                let x = i as f64;
                Rectangle::new(
                    [(x + 0.1, 0.0), (x + 0.9, *c as f64)],
                    BLUE.mix(0.7).filled(),
                )
            }))
            .map_err(failed)?;
        axes(&mut chart, (0.0, n), top)?;
        root.present().map_err(failed)?;
    }
    Ok((
        Picture {
            width: width as usize,
            height: height as usize,
            rgb,
        },
        top,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_is_drawn_in_blue_with_the_target_in_red() {
        let (p, top) = trend(&[0.05, 0.2, 0.08], 0.1, 300, 150).unwrap();
        assert!(top >= 0.2);
        assert_eq!(p.rgb.len(), 300 * 150 * 3);
        let pixels: Vec<&[u8]> = p.rgb.chunks(3).collect();
        assert!(
            pixels.iter().any(|c| c[0] > 200 && c[1] < 50 && c[2] < 50),
            "red"
        );
        assert!(pixels.iter().any(|c| c[2] > 200 && c[0] < 50), "blue");
    }

    #[test]
    fn bars_of_nothing_are_still_a_chart() {
        let (p, _) = bars(&[0, 0, 0], 200, 100).unwrap();
        assert_eq!(p.width, 200);
    }
}
