//! The one visual grammar of every figure: line style by method, colour and marker by series
//! (depth), hollow markers for runs that did not converge, and how legends are drawn.
//!
//! - **Method → dash**: EGD solid, NGD dashed, every other method (baselines, approximate or
//!   damped natural gradients, flows) dotted; reference levels (chance, thresholds, closed-form
//!   solutions) thin grey long dashes.
//! - **Series → colour and marker**: a depth `L` (or another series index) picks the same
//!   palette colour and marker shape in every figure (`L = 1` blue circle, `L = 2` vermilion
//!   square, `L = 3` green triangle, …), so EGD and NGD at the same depth share a colour.
//! - **Coinciding curves stay visible**: earlier series are drawn wider beneath later ones, and
//!   markers on dense curves sit at positions shifted per series.
//! - **Convergence**: a point from a run that did not converge (the harness's one definition,
//!   [`crate::convergence`]) is drawn as a hollow marker; filled markers are converged runs.

use plotters::style::RGBColor;

/// The visual grammar in words, for a report or a caption to print once.
pub const VISUAL_GRAMMAR: &str = "Line style by method: EGD solid, NGD dashed, other methods \
(baselines, approximate or damped natural gradients, flows) dotted, reference levels thin grey \
long dashes. Colour and marker by depth (L = 1 blue circle, L = 2 vermilion square, L = 3 green \
triangle, L = 4 pink diamond, then further colours), the same in every figure. Hollow markers: \
runs that did not converge within their budget (training loss above the harness's convergence \
level); filled markers: converged runs. Earlier series are drawn wider, with larger markers, \
beneath later ones so \
that coinciding curves stay visible. Legends sit outside the plotting area; log axes label every \
decade as 10ᵏ.";

/// Colour-blind-friendly palette (Okabe & Ito 2008) followed by four further distinct colours
/// (Tol's muted wine, teal, olive and a grey), so that up to twelve series repeat no colour.
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

/// The grey of reference levels.
pub(crate) const REFERENCE_GREY: RGBColor = RGBColor(90, 90, 90);

/// The palette colour of series index `i`.
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dash {
    /// Continuous (EGD).
    #[default]
    Solid,
    /// 8 px on, 5 px off (NGD).
    Dashed,
    /// 2 px on, 4 px off (other methods).
    Dotted,
    /// 14 px on, 6 px off, always grey (reference levels).
    LongDash,
}

impl Dash {
    /// `(on, off)` lengths in pixels; `None` for a solid line.
    pub(crate) fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((8, 5)),
            Dash::Dotted => Some((2, 4)),
            Dash::LongDash => Some((14, 6)),
        }
    }
}

/// A marker shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Marker {
    /// No marker.
    None,
    /// Circle.
    #[default]
    Circle,
    /// Square.
    Square,
    /// Upward triangle.
    Triangle,
    /// Diamond.
    Diamond,
    /// Downward triangle.
    TriangleDown,
    /// Pentagon.
    Pentagon,
}

/// The marker shapes in series order (paired with [`PALETTE`]).
const MARKERS: [Marker; 6] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Pentagon,
];

impl Marker {
    /// The outline of the marker of radius `r` around `(0, 0)`, in pixels (y downwards).
    pub(crate) fn outline(self, r: f64) -> Vec<(i32, i32)> {
        let polygon = |corners: usize, phase: f64, scale: f64| -> Vec<(i32, i32)> {
            (0..corners)
                .map(|k| {
                    let t = phase + std::f64::consts::TAU * k as f64 / corners as f64;
                    (
                        (scale * r * t.cos()).round() as i32,
                        (-scale * r * t.sin()).round() as i32,
                    )
                })
                .collect()
        };
        use std::f64::consts::FRAC_PI_2;
        match self {
            Marker::None => Vec::new(),
            Marker::Circle => polygon(16, 0.0, 1.0),
            Marker::Square => polygon(4, FRAC_PI_2 / 2.0, 1.2),
            Marker::Triangle => polygon(3, FRAC_PI_2, 1.3),
            Marker::Diamond => polygon(4, 0.0, 1.3),
            Marker::TriangleDown => polygon(3, -FRAC_PI_2, 1.3),
            Marker::Pentagon => polygon(5, FRAC_PI_2, 1.2),
        }
    }
}

/// Which method a curve shows: decides the dash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Euclidean gradient descent: solid.
    Egd,
    /// Natural gradient descent: dashed.
    Ngd,
    /// Any other method (baseline, approximate or damped natural gradient, flow): dotted.
    Other,
}

/// The look of one curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Palette index (the depth or series index), picks the colour and the marker.
    pub series: usize,
    /// Dash pattern.
    pub dash: Dash,
    /// Marker shape.
    pub marker: Marker,
}

impl Style {
    /// The style of `method` for series index `series` (e.g. `L − 1` for depth `L`).
    pub fn method(method: Method, series: usize) -> Self {
        let dash = match method {
            Method::Egd => Dash::Solid,
            Method::Ngd => Dash::Dashed,
            Method::Other => Dash::Dotted,
        };
        Self {
            series,
            dash,
            marker: MARKERS[series % MARKERS.len()],
        }
    }

    /// EGD at depth `L ≥ 1` (colour and marker of `L`).
    pub fn egd(depth: usize) -> Self {
        Self::method(Method::Egd, depth.saturating_sub(1))
    }

    /// NGD at depth `L ≥ 1` (colour and marker of `L`).
    pub fn ngd(depth: usize) -> Self {
        Self::method(Method::Ngd, depth.saturating_sub(1))
    }

    /// Another method at depth (or series) `L ≥ 1`.
    pub fn other(depth: usize) -> Self {
        Self::method(Method::Other, depth.saturating_sub(1))
    }

    /// A reference level drawn as a curve (e.g. a trivial solution's error): grey long dashes,
    /// no marker.
    pub fn reference() -> Self {
        Self {
            series: 0,
            dash: Dash::LongDash,
            marker: Marker::None,
        }
    }

    /// A solid curve of series index `i` (the default when a series names no style).
    pub fn indexed(i: usize) -> Self {
        Self::method(Method::Egd, i)
    }

    /// The colour (reference grey for long dashes).
    pub(crate) fn rgb(&self) -> RGBColor {
        if self.dash == Dash::LongDash {
            REFERENCE_GREY
        } else {
            color(self.series)
        }
    }
}
