//! Heatmap grids: several matrices in rows × columns with titles and one colour scale bar.

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
    /// Pixel size of one panel.
    pub panel_px: u32,
}

/// Writes `<base>.svg` and `<base>.png`; returns their paths.
pub fn heatmap_grid(base: &Path, grid: &HeatmapGrid) -> Result<Vec<PathBuf>, Error> {
    render(base, grid)
}

fn lerp(a: (f64, f64, f64), b: (f64, f64, f64), t: f64) -> RGBColor {
    let f = |x: f64, y: f64| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
    RGBColor(f(a.0, b.0), f(a.1, b.1), f(a.2, b.2))
}

impl HeatmapGrid {
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
        (
            p * self.cols.max(1) as u32 + 130,
            (p + 30) * self.rows.max(1) as u32 + 50,
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
            let nr = panel.values.len();
            let nc = panel.values.iter().map(Vec::len).max().unwrap_or(0);
            if nr == 0 || nc == 0 {
                return Err(format!("heatmap panel `{}` is empty", panel.title));
            }
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.title, ("sans-serif", 16))
                .margin(6)
                .build_cartesian_2d(0..nc as i32, 0..nr as i32)
                .map_err(s)?;
            chart
                .draw_series(panel.values.iter().enumerate().flat_map(|(i, row)| {
                    row.iter().enumerate().map(move |(j, &v)| {
                        let y = (nr - 1 - i) as i32;
                        Rectangle::new(
                            [(j as i32, y), (j as i32 + 1, y + 1)],
                            self.colour(v, range).filled(),
                        )
                    })
                }))
                .map_err(s)?;
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
