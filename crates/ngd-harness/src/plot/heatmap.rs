//! Heatmap grids: several matrices in rows × columns with titles, optional labelled axes
//! ([`HeatmapAxis`]: what the columns and rows of every panel are) and one colour scale bar.

use super::heatmap_axis::HeatmapAxis;
use super::render::{Drawing, render, s};
use super::ticks::{Ticked, label_of, linear_ticks};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// One matrix panel.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapPanel {
    /// Panel title (e.g. "EGD, L = 2").
    pub title: String,
    /// Row-major values, `values[i][j]` is drawn at row `i` (top) and column `j` (left).
    pub values: Vec<Vec<f64>>,
}

/// A grid of heatmaps sharing one colour scale (see [`heatmap_grid`]).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapGrid {
    /// Overall title.
    pub title: String,
    /// Number of panel rows.
    pub rows: usize,
    /// Number of panel columns.
    pub cols: usize,
    /// Panels in row-major order (at most `rows × cols`).
    pub panels: Vec<HeatmapPanel>,
    /// Label of the colour bar, with unit.
    pub color_label: String,
    /// Colour range; `None` uses the data's range (symmetric around 0 if `diverging`).
    pub range: Option<(f64, f64)>,
    /// Diverging blue–white–red scale centred at 0 (else white → dark blue).
    pub diverging: bool,
    /// Pixel size of one panel's matrix.
    pub panel_px: u32,
    /// What every panel's columns are (description and tick labels below each panel); `None`:
    /// no x axis.
    pub x_axis: Option<HeatmapAxis>,
    /// What every panel's rows are (description and tick labels left of each panel); `None`:
    /// no y axis.
    pub y_axis: Option<HeatmapAxis>,
}

/// The font of tick labels (that of the colour bar).
const TICK_FONT: (&str, u32) = ("sans-serif", 13);
/// Least free space between two neighbouring tick labels, in pixels.
const TICK_GAP_PX: f64 = 4.0;

/// The ticks whose labels do not crowd the one kept before them, in order of position:
/// `px_per_unit` converts positions to pixels, `extent` is a label's width (x axis) or height
/// (y axis); a tick too close to the previous kept one keeps its mark but not its label.
pub(crate) fn uncrowded(
    ticks: &[(f64, String)],
    px_per_unit: f64,
    extent: impl Fn(&str) -> Result<u32, String>,
) -> Result<Vec<(f64, String)>, String> {
    let mut sorted: Vec<&(f64, String)> = ticks.iter().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut kept: Vec<(f64, String)> = Vec::new();
    let mut last: Option<(f64, f64)> = None;
    for (at, label) in sorted {
        let size = f64::from(extent(label)?);
        let free = last.is_none_or(|(prev, prev_size)| {
            (at - prev) * px_per_unit >= (prev_size + size) / 2.0 + TICK_GAP_PX
        });
        if free {
            kept.push((*at, label.clone()));
            last = Some((*at, size));
        }
    }
    Ok(kept)
}

/// The label of the tick at `v` among `shown`, or nothing (a crowded tick's bare mark).
fn shown_label(shown: &[(f64, String)], v: f64) -> String {
    let at = shown
        .iter()
        .find(|(t, _)| (t - v).abs() <= 1e-9 * t.abs().max(1.0));
    at.map(|(_, l)| l.clone()).unwrap_or_default()
}

/// Height of the tick labels and description below a panel with an x axis, in pixels.
const X_AXIS_PX: u32 = 44;
/// Width of the tick labels and description left of a panel with a y axis, in pixels.
const Y_AXIS_PX: u32 = 66;
/// Room right of a panel with an x axis for half its last tick label, in pixels.
const X_OVERHANG_PX: u32 = 16;

/// Writes `<base>.svg` and `<base>.png`; returns their paths.
pub fn heatmap_grid(base: &Path, grid: &HeatmapGrid) -> Result<Vec<PathBuf>, Error> {
    render(base, grid)
}

fn lerp(a: (f64, f64, f64), b: (f64, f64, f64), t: f64) -> RGBColor {
    let f = |x: f64, y: f64| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
    RGBColor(f(a.0, b.0), f(a.1, b.1), f(a.2, b.2))
}

impl HeatmapGrid {
    /// The extra `(height, width)` in pixels of a panel's x and y axes (0 when absent).
    fn axes_px(&self) -> (u32, u32) {
        (
            if self.x_axis.is_some() { X_AXIS_PX } else { 0 },
            if self.y_axis.is_some() { Y_AXIS_PX } else { 0 },
        )
    }

    /// The extra room right of a panel (0 without an x axis).
    fn overhang_px(&self) -> u32 {
        if self.x_axis.is_some() {
            X_OVERHANG_PX
        } else {
            0
        }
    }

    /// One panel: cell `(i, j)` spans `[j, j + 1] × [nr − 1 − i, nr − i]`, row 0 on top; the
    /// axes, when given, are labelled at cell centres in the colour bar's text sizes.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        panel: &HeatmapPanel,
        area: &DrawingArea<DB, Shift>,
        range: (f64, f64),
    ) -> Result<(), String> {
        let nr = panel.values.len();
        let nc = panel.values.iter().map(Vec::len).max().unwrap_or(0);
        if nr == 0 || nc == 0 {
            return Err(format!("heatmap panel `{}` is empty", panel.title));
        }
        let x_ticks = match &self.x_axis {
            Some(axis) => axis.placed("x_axis", nc, false, &panel.title)?,
            None => Vec::new(),
        };
        let y_ticks = match &self.y_axis {
            Some(axis) => axis.placed("y_axis", nr, true, &panel.title)?,
            None => Vec::new(),
        };
        let (x_px, y_px) = self.axes_px();
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.title, ("sans-serif", 16))
            .margin(6)
            .margin_right(6 + self.overhang_px())
            .x_label_area_size(x_px)
            .y_label_area_size(y_px)
            .build_cartesian_2d(
                Ticked::new(RangedCoordf64::from(0.0..nc as f64), &x_ticks),
                Ticked::new(RangedCoordf64::from(0.0..nr as f64), &y_ticks),
            )
            .map_err(s)?;
        if self.x_axis.is_some() || self.y_axis.is_some() {
            let plot = chart.plotting_area();
            let (width, height) = plot.dim_in_pixel();
            let text = TextStyle::from(TICK_FONT);
            let extent = |label: &str| plot.estimate_text_size(label, &text).map_err(s);
            let x_shown = uncrowded(&x_ticks, f64::from(width) / nc as f64, |l| {
                extent(l).map(|e| e.0)
            })?;
            let y_shown = uncrowded(&y_ticks, f64::from(height) / nr as f64, |l| {
                extent(l).map(|e| e.1)
            })?;
            let x_label = |v: &f64| shown_label(&x_shown, *v);
            let y_label = |v: &f64| shown_label(&y_shown, *v);
            let mut mesh = chart.configure_mesh();
            mesh.disable_x_mesh()
                .disable_y_mesh()
                .x_label_formatter(&x_label)
                .y_label_formatter(&y_label)
                .label_style(TICK_FONT)
                .axis_desc_style(("sans-serif", 14));
            match &self.x_axis {
                Some(axis) => mesh.x_desc(&axis.label),
                None => mesh.disable_x_axis(),
            };
            match &self.y_axis {
                Some(axis) => mesh.y_desc(&axis.label),
                None => mesh.disable_y_axis(),
            };
            mesh.draw().map_err(s)?;
        }
        chart
            .draw_series(panel.values.iter().enumerate().flat_map(|(i, row)| {
                row.iter().enumerate().map(move |(j, &v)| {
                    let y = (nr - 1 - i) as f64;
                    Rectangle::new(
                        [(j as f64, y), (j as f64 + 1.0, y + 1.0)],
                        self.colour(v, range).filled(),
                    )
                })
            }))
            .map_err(s)?;
        Ok(())
    }

    fn value_range(&self) -> (f64, f64) {
        if let Some(r) = self.range {
            return r;
        }
        let vals = self
            .panels
            .iter()
            .flat_map(|p| p.values.iter().flatten())
            .filter(|v| v.is_finite());
        let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
        if lo > hi {
            return (-1.0, 1.0);
        }
        if self.diverging {
            let m = lo.abs().max(hi.abs()).max(f64::MIN_POSITIVE);
            (-m, m)
        } else if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, hi + 0.5)
        }
    }

    /// The colour of `v` on the scale `[lo, hi]`; non-finite values are grey.
    fn colour(&self, v: f64, (lo, hi): (f64, f64)) -> RGBColor {
        if !v.is_finite() {
            return RGBColor(160, 160, 160);
        }
        let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
        if self.diverging {
            let (blue, white, red) = (
                (33.0, 102.0, 172.0),
                (247.0, 247.0, 247.0),
                (178.0, 24.0, 43.0),
            );
            if t < 0.5 {
                lerp(blue, white, t * 2.0)
            } else {
                lerp(white, red, (t - 0.5) * 2.0)
            }
        } else {
            lerp((247.0, 251.0, 255.0), (8.0, 48.0, 107.0), t)
        }
    }
}

impl Drawing for HeatmapGrid {
    fn size(&self) -> (u32, u32) {
        let p = self.panel_px.max(80);
        let (x_px, y_px) = self.axes_px();
        (
            (p + y_px + self.overhang_px()) * self.cols.max(1) as u32 + 130,
            (p + 30 + x_px) * self.rows.max(1) as u32 + 50,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        if self.panels.is_empty() || self.panels.len() > self.rows * self.cols {
            return Err(format!(
                "heatmap grid: {} panels do not fit {} × {}",
                self.panels.len(),
                self.rows,
                self.cols
            ));
        }
        let range = self.value_range();
        let root = root.titled(&self.title, ("sans-serif", 22)).map_err(s)?;
        let (w, _) = root.dim_in_pixel();
        let (grid_area, bar_area) = root.split_horizontally(w.saturating_sub(130));
        let cells = grid_area.split_evenly((self.rows, self.cols));
        for (panel, area) in self.panels.iter().zip(cells.iter()) {
            self.draw_panel(panel, area, range)?;
        }
        // Colour bar: a 1 × 100 column of rectangles with a labelled value axis.
        let bar_ticks = linear_ticks(range.0, range.1);
        let mut bar = ChartBuilder::on(&bar_area)
            .margin_top(30)
            .margin_bottom(30)
            .margin_right(5)
            .y_label_area_size(70)
            .build_cartesian_2d(
                0.0..1.0,
                Ticked::new(RangedCoordf64::from(range.0..range.1), &bar_ticks),
            )
            .map_err(s)?;
        bar.configure_mesh()
            .disable_x_mesh()
            .disable_y_mesh()
            .disable_x_axis()
            .y_desc(&self.color_label)
            .y_label_formatter(&|v| label_of(&bar_ticks, *v))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(s)?;
        let n = 100;
        let step = (range.1 - range.0) / n as f64;
        bar.draw_series((0..n).map(|k| {
            let v0 = range.0 + k as f64 * step;
            Rectangle::new(
                [(0.0, v0), (1.0, v0 + step)],
                self.colour(v0 + step / 2.0, range).filled(),
            )
        }))
        .map_err(s)?;
        Ok(())
    }
}
