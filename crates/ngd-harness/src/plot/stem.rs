//! Stem plots of coefficient vectors (e.g. the learnt `β`), one panel per vector.

use super::render::{Drawing, render, s};
use super::style::Style;
use super::ticks::{Ticked, label_of, linear_ticks};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// A stem plot (see [`stem_plot`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StemPlot {
    /// Title.
    pub title: String,
    /// x-axis label (e.g. "coordinate index j").
    pub x_label: String,
    /// y-axis label (e.g. "β_j").
    pub y_label: String,
    /// `(panel title, coefficients)`, drawn top to bottom.
    pub vectors: Vec<(String, Vec<f64>)>,
    /// Pixel width; height is 220 per panel plus the title.
    pub width: u32,
    /// Per panel: its series style (colour by depth, see [`super::style`]); missing entries
    /// take the colour of the panel index.
    pub styles: Vec<Style>,
}

/// Writes `<base>.svg` and `<base>.png`; returns their paths.
pub fn stem_plot(base: &Path, plot: &StemPlot) -> Result<Vec<PathBuf>, Error> {
    render(base, plot)
}

impl Drawing for StemPlot {
    fn size(&self) -> (u32, u32) {
        (
            self.width.max(300),
            220 * self.vectors.len().max(1) as u32 + 40,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        if self.vectors.is_empty() {
            return Err("stem plot: no vectors".into());
        }
        let root = root.titled(&self.title, ("sans-serif", 22)).map_err(s)?;
        let panels = root.split_evenly((self.vectors.len(), 1));
        for (i, ((name, v), area)) in self.vectors.iter().zip(panels.iter()).enumerate() {
            let finite = v.iter().copied().filter(|x| x.is_finite());
            let (lo, hi) = finite.fold((0.0_f64, 0.0_f64), |(a, b), x| (a.min(x), b.max(x)));
            let pad = ((hi - lo) * 0.08).max(1e-12);
            let n = v.len().max(1) as f64;
            let x_ticks: Vec<_> = linear_ticks(-0.5, n - 0.5)
                .into_iter()
                .filter(|t| t.0.fract() == 0.0)
                .collect();
            let y_ticks = linear_ticks(lo - pad, hi + pad);
            let mut chart = ChartBuilder::on(area)
                .caption(name, ("sans-serif", 16))
                .margin(8)
                .x_label_area_size(40)
                .y_label_area_size(70)
                .build_cartesian_2d(
                    Ticked::new(RangedCoordf64::from(-0.5..n - 0.5), &x_ticks),
                    Ticked::new(RangedCoordf64::from((lo - pad)..(hi + pad)), &y_ticks),
                )
                .map_err(s)?;
            chart
                .configure_mesh()
                .x_desc(&self.x_label)
                .y_desc(&self.y_label)
                .x_label_formatter(&|v| label_of(&x_ticks, *v))
                .y_label_formatter(&|v| label_of(&y_ticks, *v))
                .label_style(("sans-serif", 13))
                .axis_desc_style(("sans-serif", 14))
                .light_line_style(WHITE.mix(0.0))
                .draw()
                .map_err(s)?;
            let c = self
                .styles
                .get(i)
                .copied()
                .unwrap_or_else(|| Style::indexed(i))
                .rgb();
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(-0.5, 0.0), (n - 0.5, 0.0)],
                    BLACK.mix(0.5),
                )))
                .map_err(s)?;
            let stems = v.iter().enumerate().filter(|(_, x)| x.is_finite());
            chart
                .draw_series(stems.clone().map(|(j, &x)| {
                    PathElement::new(vec![(j as f64, 0.0), (j as f64, x)], c.stroke_width(1))
                }))
                .map_err(s)?;
            if v.len() <= 200 {
                chart
                    .draw_series(stems.map(|(j, &x)| Circle::new((j as f64, x), 3, c.filled())))
                    .map_err(s)?;
            }
        }
        Ok(())
    }
}
