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
mod legend;
mod line;
mod render;
mod scatter;
mod stem;
pub mod style;
mod ticks;

pub use heatmap::{HeatmapGrid, HeatmapPanel, heatmap_grid};
pub use line::{LinePlot, Series, line_plot};
pub use scatter::{PointGroup, ScatterPlot, Separator, scatter_plot};
pub use stem::{StemPlot, stem_plot};
pub use style::{Dash, Marker, Method, Style, VISUAL_GRAMMAR};

pub(crate) use style::color;

#[cfg(test)]
mod tests;
