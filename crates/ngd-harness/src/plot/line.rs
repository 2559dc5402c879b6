//! Line plots: several series, linear or log axes, spread bands, a reference line, the legend
//! in a panel beside the plotting area, hollow markers for unconverged runs.

use super::legend::{self, Entry};
use super::render::{Drawing, render, s};
use super::style::{Dash, Marker, REFERENCE_GREY, Style};
use super::ticks::Ticked;
use super::ticks::{label_of, linear_ticks, log_ticks};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
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
    /// Line style (see [`super::style`]); `None`: solid, colour and marker by series index.
    pub style: Option<Style>,
    /// Per point: did its run converge? Empty means every point did; a `false` point is drawn
    /// as a hollow marker.
    pub converged: Vec<bool>,
}

impl Series {
    /// A curve without band.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            label: label.into(),
            points,
            ..Self::default()
        }
    }

    /// Adds a spread band `(x, low, high)`.
    pub fn with_band(mut self, band: Vec<(f64, f64, f64)>) -> Self {
        self.band = band;
        self
    }

    /// Sets the style (method dash, depth colour and marker).
    pub fn with_style(mut self, style: Style) -> Self {
        self.style = Some(style);
        self
    }

    /// Sets which points come from converged runs (same length as `points`).
    pub fn with_converged(mut self, converged: Vec<bool>) -> Self {
        self.converged = converged;
        self
    }

    fn point_converged(&self, j: usize) -> bool {
        self.converged.get(j).copied().unwrap_or(true)
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
    /// Optional horizontal reference line `(y, label)`, e.g. `(0.5, "chance level")`, drawn
    /// as a thin grey long-dashed line.
    pub reference: Option<(f64, String)>,
    /// Pixel size of the plot without its legend panel (which is added on the right).
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
///
/// # Errors
/// [`Error::Plot`] when nothing is plottable or drawing fails; [`Error::Io`] on write failure.
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

/// Number of markers on a dense curve (more than [`DENSE`] points).
const MARKERS_PER_CURVE: usize = 10;
/// Curves with at most this many points get a marker on every point that does not crowd the
/// previous one.
const DENSE: usize = 40;
/// On a sparse curve, markers closer than this many diameters to the previous marker are left
/// out (so that a log axis with many points per decade shows the line between them).
const MARKER_GAP: f64 = 2.0;

impl LinePlot {
    fn usable(&self, x: f64, y: f64) -> bool {
        x.is_finite() && y.is_finite() && (!self.x_log || x > 0.0) && (!self.y_log || y > 0.0)
    }

    fn style(&self, i: usize) -> Style {
        self.series[i].style.unwrap_or_else(|| Style::indexed(i))
    }

    /// Stroke width of series `i`: earlier series wider (4 px down to 2 px), so that a curve
    /// drawn over an identical one leaves it visible as a border.
    fn width(&self, i: usize) -> u32 {
        let n = self.series.len().max(2);
        2 + (2 * (n - 1 - i.min(n - 1)) as u32) / (n - 1) as u32
    }

    /// Marker radius of series `i`: on sparse curves of a plot with several series earlier
    /// series get larger markers (6 px down to 4 px), so markers of coinciding points nest
    /// instead of hiding each other; 4 px otherwise.
    fn marker_radius(&self, i: usize) -> f64 {
        let n = self.series.len();
        if n >= 2 && self.series[i].points.len() <= DENSE {
            4.0 + 2.0 * (n - 1 - i.min(n - 1)) as f64 / (n - 1) as f64
        } else {
            4.0
        }
    }

    /// Indices of the points of series `i` that get a marker: on a sparse curve every point
    /// at least [`MARKER_GAP`] marker diameters (in pixels, `pixels[k]` of `usable[k]`) from
    /// the previous marker, and the last point; on a dense curve [`MARKERS_PER_CURVE`]
    /// positions shifted per series (golden-ratio phase); on both every unconverged point.
    pub(super) fn marked(&self, i: usize, usable: &[usize], pixels: &[(i32, i32)]) -> Vec<usize> {
        let n = usable.len();
        if n <= DENSE {
            let gap = MARKER_GAP * 2.0 * self.marker_radius(i);
            let mut last: Option<(i32, i32)> = None;
            let mut idx = Vec::new();
            for (k, (&j, &p)) in usable.iter().zip(pixels).enumerate() {
                let far =
                    last.is_none_or(|q| f64::from(p.0 - q.0).hypot(f64::from(p.1 - q.1)) >= gap);
                if far || k + 1 == n || !self.series[i].point_converged(j) {
                    idx.push(j);
                    last = Some(p);
                }
            }
            return idx;
        }
        let phase = (i as f64 * 0.618_034).fract();
        let mut idx: Vec<usize> = (0..MARKERS_PER_CURVE)
            .map(|k| {
                usable[(((k as f64 + phase) / MARKERS_PER_CURVE as f64) * n as f64) as usize % n]
            })
            .collect();
        idx.extend(
            usable
                .iter()
                .filter(|&&j| !self.series[i].point_converged(j)),
        );
        idx
    }

    /// The legend entries: one per series, the reference line, and the hollow-marker key
    /// when some point did not converge.
    pub(crate) fn legend_entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = (0..self.series.len())
            .map(|i| {
                let st = self.style(i);
                Entry {
                    label: self.series[i].label.clone(),
                    color: st.rgb(),
                    dash: Some(st.dash),
                    width: self.width(i),
                    marker: st.marker,
                    hollow: false,
                }
            })
            .collect();
        if let Some((_, label)) = &self.reference {
            entries.push(Entry {
                label: label.clone(),
                color: REFERENCE_GREY,
                dash: Some(Dash::LongDash),
                width: 1,
                marker: Marker::None,
                hollow: false,
            });
        }
        let unconverged = self.series.iter().any(|s| s.converged.iter().any(|c| !c));
        if unconverged {
            entries.push(Entry {
                label: "hollow: run not converged".into(),
                color: BLACK,
                dash: None,
                width: 1,
                marker: Marker::Circle,
                hollow: true,
            });
        }
        entries
    }

    fn draw_with<DB, X, Y>(
        &self,
        root: &DrawingArea<DB, Shift>,
        (x, xt): (X, &[(f64, String)]),
        (y, yt): (Y, &[(f64, String)]),
    ) -> Result<(), String>
    where
        DB: DrawingBackend,
        X: AsRangedCoord<Value = f64>,
        Y: AsRangedCoord<Value = f64>,
        X::CoordDescType: ValueFormatter<f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let entries = self.legend_entries();
        let (plot_area, legend_area) = root.split_horizontally(self.size.0);
        let mut chart = ChartBuilder::on(&plot_area)
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
            .x_label_formatter(&|v| label_of(xt, *v))
            .y_label_formatter(&|v| label_of(yt, *v))
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17))
            .bold_line_style(BLACK.mix(0.08))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        for (i, series) in self.series.iter().enumerate() {
            let c = self.style(i).rgb();
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
                    .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.15))))
                    .map_err(s)?;
            }
        }
        let area = chart.plotting_area().strip_coord_spec();
        let map = |p: (f64, f64)| chart.backend_coord(&p);
        let (ox, oy) = area.get_base_pixel();
        let local = |p: (i32, i32)| (p.0 - ox, p.1 - oy);
        for (i, series) in self.series.iter().enumerate() {
            let st = self.style(i);
            let usable: Vec<usize> = (0..series.points.len())
                .filter(|&j| self.usable(series.points[j].0, series.points[j].1))
                .collect();
            let pixels: Vec<(i32, i32)> = usable
                .iter()
                .map(|&j| local(map(series.points[j])))
                .collect();
            if pixels.len() >= 2 {
                let style = st.rgb().stroke_width(self.width(i));
                legend::draw_line(&area, pixels.clone(), st.dash, style)?;
            }
            let radius = self.marker_radius(i);
            for j in self.marked(i, &usable, &pixels) {
                let p = local(map(series.points[j]));
                let hollow = !series.point_converged(j);
                legend::draw_marker(&area, p, st.marker, radius, st.rgb(), hollow)?;
            }
        }
        if let Some((level, _)) = &self.reference {
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
                let pts = vec![local(map((lo, *level))), local(map((hi, *level)))];
                legend::draw_line(&area, pts, Dash::LongDash, REFERENCE_GREY.stroke_width(1))?;
            }
        }
        legend::draw(&legend_area, 50, &entries)
    }
}

impl Drawing for LinePlot {
    fn size(&self) -> (u32, u32) {
        let legend = legend::panel_width(&self.legend_entries());
        (self.size.0 + legend, self.size.1)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        // The axes span the points drawn: usable on both axes (a step 0 on a log x axis does
        // not stretch the y axis).
        let drawn = self.series.iter().flat_map(|s| {
            let band = s.band.iter().flat_map(|b| [(b.0, b.1), (b.0, b.2)]);
            s.points.iter().copied().chain(band)
        });
        let drawn: Vec<(f64, f64)> = drawn.filter(|&(x, y)| self.usable(x, y)).collect();
        let xs = drawn.iter().map(|p| p.0);
        let ys = drawn.iter().map(|p| p.1);
        let ys = ys.chain(self.reference.iter().map(|r| r.0));
        let (x0, x1) = axis_range(xs, self.x_log).ok_or("line plot: no plottable x values")?;
        let (y0, y1) = axis_range(ys, self.y_log).ok_or("line plot: no plottable y values")?;
        let ticks = |lo, hi, log| {
            if log {
                log_ticks(lo, hi)
            } else {
                linear_ticks(lo, hi)
            }
        };
        let (xt, yt) = (ticks(x0, x1, self.x_log), ticks(y0, y1, self.y_log));
        let lin = |lo: f64, hi: f64, t| Ticked::new(RangedCoordf64::from(lo..hi), t);
        let log = |lo: f64, hi: f64, t| Ticked::new(LogCoord::from((lo..hi).log_scale()), t);
        let (lin_x, lin_y) = (lin(x0, x1, &xt), lin(y0, y1, &yt));
        let (log_x, log_y) = (log(x0, x1, &xt), log(y0, y1, &yt));
        match (self.x_log, self.y_log) {
            (false, false) => self.draw_with(root, (lin_x, &xt), (lin_y, &yt)),
            (true, false) => self.draw_with(root, (log_x, &xt), (lin_y, &yt)),
            (false, true) => self.draw_with(root, (lin_x, &xt), (log_y, &yt)),
            (true, true) => self.draw_with(root, (log_x, &xt), (log_y, &yt)),
        }
    }
}
