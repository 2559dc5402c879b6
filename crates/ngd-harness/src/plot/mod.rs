//! Plots with `plotters`, each written as `<name>.svg` and `<name>.png`.
//!
//! - [`line_plot`]: curves on linear or log axes, legend, optional shaded spread band per
//!   series, optional labelled horizontal reference line (e.g. "trivial level");
//! - [`heatmap_grid`]: panels in rows × columns with titles and a shared colour scale bar;
//! - [`scatter_plot`]: 2-D labelled point groups with separator lines through the origin;
//! - [`stem_plot`]: coefficient vectors as stems, one panel per vector.
//!
//! Text uses the bundled DejaVu Sans (`assets/DejaVuSans.ttf`, licence in
//! `assets/DejaVuSans-LICENSE.txt`), registered with plotters from bytes, so no system font is
//! looked up. PNGs are written to a temporary file and renamed; SVGs are rendered in memory and
//! written atomically.

mod heatmap;
mod line;
mod render;
mod scatter;
mod stem;

pub use heatmap::{HeatmapGrid, HeatmapPanel, heatmap_grid};
pub use line::{LinePlot, Series, line_plot};
pub use scatter::{PointGroup, ScatterPlot, Separator, scatter_plot};
pub use stem::{StemPlot, stem_plot};

use plotters::style::RGBColor;

/// Colour-blind-friendly palette (Okabe & Ito 2008) followed by four further distinct colours
/// (Tol's muted wine, teal, olive and a grey), cycled by series index, so that plots with up to
/// twelve curves repeat no colour.
pub(crate) const PALETTE: [RGBColor; 12] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
    RGBColor(136, 34, 85),
    RGBColor(68, 170, 153),
    RGBColor(153, 153, 51),
    RGBColor(120, 120, 120),
];

/// A compact tick label: plain decimals (at most four decimals, trailing zeros trimmed) for
/// magnitudes in `[1e-3, 1e5)`, otherwise scientific notation with one significant digit
/// (`1e-6`), which is what log axes need.
pub(crate) fn tick_label(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".into()
    } else if (1e-3..1e5).contains(&a) {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        let s = format!("{v:.1e}");
        s.replace(".0e", "e")
    }
}

/// The palette colour of series `i`.
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

#[cfg(test)]
mod tests;
