//! Plots with `plotters`, each written as `<name>.svg` and `<name>.png`.
//!
//! - [`line_plot`]: curves on linear or log axes, legend, optional shaded spread band per
//!   series, optional labelled horizontal reference line (e.g. "trivial level");
//! - [`heatmap_grid`]: panels in rows × columns with titles, optional labelled axes
//!   ([`HeatmapAxis`]) and a shared colour scale bar;
//! - [`scatter_plot`]: 2-D labelled point groups with separator lines through the origin;
//! - [`stem_plot`]: coefficient vectors as stems, one panel per vector.
//!
//! Every figure follows one visual grammar ([`style`], stated in words by [`VISUAL_GRAMMAR`]):
//! EGD solid, NGD dashed, other methods dotted, reference levels grey long dashes; colour and
//! marker by depth; hollow markers for runs that did not converge; legends in a panel beside
//! the plotting area; log axes labelled `10ᵏ` at every decade, linear axes in one format.
//!
//! Each drawing is made once as SVG (plotters), written atomically, and rasterized to the PNG
//! by `resvg` with the bundled DejaVu Sans (`assets/DejaVuSans.ttf`, licence in
//! `assets/DejaVuSans-LICENSE.txt`) as `sans-serif`, the system's fonts only as a fallback.

mod heatmap;
mod heatmap_axis;
mod legend;
mod line;
mod render;
mod scatter;
mod stem;
pub mod style;
mod ticks;

pub use heatmap::{HeatmapGrid, HeatmapPanel, heatmap_grid};
pub use heatmap_axis::HeatmapAxis;
pub use line::{LinePlot, Series, line_plot};
pub use scatter::{PointGroup, ScatterPlot, Separator, scatter_plot};
pub use stem::{StemPlot, stem_plot};
pub use style::{Dash, Marker, Method, Style, VISUAL_GRAMMAR};

#[cfg(test)]
mod heatmap_tests;
#[cfg(test)]
mod tests;
