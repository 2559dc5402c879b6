//! 2-D scatter plots of labelled point groups with separator lines through the origin.

use super::color;
use super::render::{Drawing, render, s};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// A group of points sharing a label and marker (e.g. the class `y = +1`).
#[derive(Debug, Clone, PartialEq)]
pub struct PointGroup {
    /// Legend label.
    pub label: String,
    /// Points.
    pub points: Vec<(f64, f64)>,
}

/// The line `{x : w · x = 0}` through the origin with normal `w = (w₁, w₂)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Separator {
    /// Legend label (e.g. "EGD, L = 1").
    pub label: String,
    /// Normal vector `w` (e.g. the learnt `β`); need not be normalized.
    pub normal: (f64, f64),
}

/// A scatter plot (see [`scatter_plot`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPlot {
    /// Title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Point groups.
    pub groups: Vec<PointGroup>,
    /// Separator lines.
    pub separators: Vec<Separator>,
    /// Pixel size.
    pub size: (u32, u32),
}

/// Writes `<base>.svg` and `<base>.png`; returns their paths.
pub fn scatter_plot(base: &Path, plot: &ScatterPlot) -> Result<Vec<PathBuf>, Error> {
    render(base, plot)
}

impl Drawing for ScatterPlot {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        // A square window centred at the origin that contains every point.
        let r = self
            .groups
            .iter()
            .flat_map(|g| g.points.iter())
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .fold(0.0_f64, |m, p| m.max(p.0.abs()).max(p.1.abs()));
        let r = if r > 0.0 { r * 1.15 } else { 1.0 };
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(-r..r, -r..r)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 16))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        for (i, g) in self.groups.iter().enumerate() {
            let c = color(i + 4);
            let pts: Vec<_> = g
                .points
                .iter()
                .copied()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .collect();
            if i % 2 == 0 {
                chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled())))
                    .map_err(s)?
                    .label(g.label.as_str())
                    .legend(move |(x, y)| Circle::new((x + 10, y), 4, c.filled()));
            } else {
                chart
                    .draw_series(pts.iter().map(|&p| TriangleMarker::new(p, 5, c.filled())))
                    .map_err(s)?
                    .label(g.label.as_str())
                    .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 5, c.filled()));
            }
        }
        for (i, sep) in self.separators.iter().enumerate() {
            let (a, b) = sep.normal;
            let norm = a.hypot(b);
            if !(norm.is_finite() && norm > 0.0) {
                return Err(format!(
                    "separator `{}` has a zero or non-finite normal",
                    sep.label
                ));
            }
            // Direction of the line is (−b, a); extend well past the window (clipped).
            let d = (-b / norm * 3.0 * r, a / norm * 3.0 * r);
            let c = color(i);
            chart
                .draw_series(LineSeries::new(vec![(-d.0, -d.1), d], c.stroke_width(2)))
                .map_err(s)?
                .label(sep.label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 14))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(s)?;
        Ok(())
    }
}
