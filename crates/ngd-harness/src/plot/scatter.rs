//! 2-D scatter plots of labelled point groups with separator lines through the origin.

use super::legend::{self, Entry};
use super::render::{Drawing, render, s};
use super::style::{Marker, Style};
use super::ticks::{Ticked, label_of, linear_ticks};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
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
    /// Line style (see [`super::style`]); `None`: solid, colour and marker by index.
    pub style: Option<Style>,
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

/// Markers along each separator line (at positions shifted per separator).
const MARKERS_PER_LINE: usize = 8;

impl ScatterPlot {
    fn style(&self, i: usize) -> Style {
        self.separators[i]
            .style
            .unwrap_or_else(|| Style::indexed(i))
    }

    /// Stroke width of separator `i`: earlier ones wider (5 px down to 2 px), so that
    /// coinciding separators stay visible as nested stripes.
    fn width(&self, i: usize) -> u32 {
        let n = self.separators.len().max(2);
        2 + (3 * (n - 1 - i.min(n - 1)) as u32) / (n - 1) as u32
    }

    /// Point-group markers: group `i` gets shape and colour `i + 4` of the palette, so that
    /// the data never share a colour with the first four series.
    fn group_style(i: usize) -> Style {
        let mut st = Style::indexed(i + 4);
        st.marker = if i.is_multiple_of(2) {
            Marker::Circle
        } else {
            Marker::Triangle
        };
        st
    }

    fn legend_entries(&self) -> Vec<Entry> {
        let groups = self.groups.iter().enumerate().map(|(i, g)| Entry {
            label: g.label.clone(),
            color: Self::group_style(i).rgb(),
            dash: None,
            width: 1,
            marker: Self::group_style(i).marker,
            hollow: false,
        });
        let lines = self.separators.iter().enumerate().map(|(i, sep)| Entry {
            label: sep.label.clone(),
            color: self.style(i).rgb(),
            dash: Some(self.style(i).dash),
            width: self.width(i),
            marker: self.style(i).marker,
            hollow: false,
        });
        groups.chain(lines).collect()
    }
}

impl Drawing for ScatterPlot {
    fn size(&self) -> (u32, u32) {
        let legend = legend::panel_width(&self.legend_entries());
        (self.size.0 + legend, self.size.1)
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
        let (plot_area, legend_area) = root.split_horizontally(self.size.0);
        let ticks = linear_ticks(-r, r);
        let axis = || Ticked::new(RangedCoordf64::from(-r..r), &ticks);
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(&self.title, ("sans-serif", 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(axis(), axis())
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .x_label_formatter(&|v| label_of(&ticks, *v))
            .y_label_formatter(&|v| label_of(&ticks, *v))
            .bold_line_style(BLACK.mix(0.08))
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 16))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        let area = chart.plotting_area().strip_coord_spec();
        let (ox, oy) = area.get_base_pixel();
        let px = |p: (f64, f64)| {
            let q = chart.backend_coord(&p);
            (q.0 - ox, q.1 - oy)
        };
        for (i, sep) in self.separators.iter().enumerate() {
            let (a, b) = sep.normal;
            let norm = a.hypot(b);
            if !(norm.is_finite() && norm > 0.0) {
                return Err(format!(
                    "separator `{}` has a zero or non-finite normal",
                    sep.label
                ));
            }
            // Direction of the line is (−b, a); the segment inside the square window.
            let (dx, dy) = (-b / norm, a / norm);
            let reach = r / dx.abs().max(dy.abs());
            let st = self.style(i);
            let ends = vec![px((-dx * reach, -dy * reach)), px((dx * reach, dy * reach))];
            legend::draw_line(&area, ends, st.dash, st.rgb().stroke_width(self.width(i)))?;
            let phase = (i as f64 * 0.618_034).fract();
            for k in 0..MARKERS_PER_LINE {
                let t = -1.0 + 2.0 * (k as f64 + phase) / MARKERS_PER_LINE as f64;
                let p = px((dx * reach * t, dy * reach * t));
                legend::draw_marker(&area, p, st.marker, 4.0, st.rgb(), false)?;
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            let st = Self::group_style(i);
            for p in g
                .points
                .iter()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
            {
                legend::draw_marker(&area, px(*p), st.marker, 4.5, st.rgb(), false)?;
            }
        }
        legend::draw(&legend_area, 50, &self.legend_entries())?;
        Ok(())
    }
}
