//! Line plots: several series, linear or log axes, spread bands, a reference line.

use super::color;
use super::render::{Drawing, render, s};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// One curve.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// `(x, y)` points; non-finite (and, on log axes, non-positive) points are skipped.
    pub points: Vec<(f64, f64)>,
    /// Optional spread band `(x, low, high)` drawn shaded behind the curve.
    pub band: Vec<(f64, f64, f64)>,
}

impl Series {
    /// A curve without band.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
            band: Vec::new(),
        }
    }

    /// Adds a spread band `(x, low, high)`.
    pub fn with_band(mut self, band: Vec<(f64, f64, f64)>) -> Self {
        self.band = band;
        self
    }
}

/// A line plot (see [`line_plot`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Title.
    pub title: String,
    /// x-axis label with unit.
    pub x_label: String,
    /// y-axis label with unit.
    pub y_label: String,
    /// Logarithmic x axis.
    pub x_log: bool,
    /// Logarithmic y axis.
    pub y_log: bool,
    /// Curves.
    pub series: Vec<Series>,
    /// Optional horizontal reference line `(y, label)`, e.g. `(0.5, "chance level")`.
    pub reference: Option<(f64, String)>,
    /// Pixel size.
    pub size: (u32, u32),
}

impl LinePlot {
    /// An empty linear-axes plot of 900 × 600 pixels.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_log: false,
            y_log: false,
            series: Vec::new(),
            reference: None,
            size: (900, 600),
        }
    }
}

/// Writes `<base>.svg` and `<base>.png`; returns their paths.
pub fn line_plot(base: &Path, plot: &LinePlot) -> Result<Vec<PathBuf>, Error> {
    render(base, plot)
}

/// `[lo, hi]` of the usable values, padded (multiplicatively on log axes).
fn axis_range(values: impl Iterator<Item = f64>, log: bool) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    Some(if log {
        let (lo, hi) = if hi / lo < 1.0 + 1e-9 {
            (lo / 2.0, hi * 2.0)
        } else {
            (lo, hi)
        };
        let pad = (hi / lo).powf(0.04);
        (lo / pad, hi * pad)
    } else {
        let span = if hi - lo > 0.0 {
            hi - lo
        } else {
            lo.abs().max(1.0)
        };
        (lo - 0.05 * span, hi + 0.05 * span)
    })
}

impl LinePlot {
    fn usable(&self, x: f64, y: f64) -> bool {
        x.is_finite() && y.is_finite() && (!self.x_log || x > 0.0) && (!self.y_log || y > 0.0)
    }

    fn draw_with<DB, X, Y>(&self, root: &DrawingArea<DB, Shift>, x: X, y: Y) -> Result<(), String>
    where
        DB: DrawingBackend,
        X: AsRangedCoord<Value = f64>,
        Y: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 24))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x, y)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .x_label_formatter(&|v| super::tick_label(*v))
            .y_label_formatter(&|v| super::tick_label(*v))
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        for (i, series) in self.series.iter().enumerate() {
            let c = color(i);
            let band: Vec<_> = series
                .band
                .iter()
                .copied()
                .filter(|&(x, lo, hi)| self.usable(x, lo) && self.usable(x, hi))
                .collect();
            if band.len() >= 2 {
                let mut poly: Vec<(f64, f64)> = band.iter().map(|&(x, lo, _)| (x, lo)).collect();
                poly.extend(band.iter().rev().map(|&(x, _, hi)| (x, hi)));
                chart
                    .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18))))
                    .map_err(s)?;
            }
            let pts: Vec<_> = series
                .points
                .iter()
                .copied()
                .filter(|&(x, y)| self.usable(x, y))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
                .map_err(s)?
                .label(series.label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(2))
                });
            if pts.len() <= 40 {
                chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                    .map_err(s)?;
            }
        }
        if let Some((level, label)) = &self.reference {
            let xs: Vec<f64> = self
                .series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.0))
                .filter(|&x| self.usable(x, *level))
                .collect();
            let (lo, hi) = xs
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            if lo <= hi {
                let style = BLACK.mix(0.6).stroke_width(1);
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(lo, *level), (hi, *level)],
                        8,
                        6,
                        style,
                    ))
                    .map_err(s)?
                    .label(label.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 15))
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(s)?;
        Ok(())
    }
}

impl Drawing for LinePlot {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let xs = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.0)
                .chain(s.band.iter().map(|b| b.0))
        });
        let ys = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
        });
        let ys = ys.chain(self.reference.iter().map(|r| r.0));
        let (x0, x1) = axis_range(xs, self.x_log).ok_or("line plot: no plottable x values")?;
        let (y0, y1) = axis_range(ys, self.y_log).ok_or("line plot: no plottable y values")?;
        match (self.x_log, self.y_log) {
            (false, false) => self.draw_with(root, x0..x1, y0..y1),
            (true, false) => self.draw_with(root, (x0..x1).log_scale(), y0..y1),
            (false, true) => self.draw_with(root, x0..x1, (y0..y1).log_scale()),
            (true, true) => self.draw_with(root, (x0..x1).log_scale(), (y0..y1).log_scale()),
        }
    }
}
