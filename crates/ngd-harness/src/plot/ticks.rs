//! Tick positions and labels in one format for every axis.
//!
//! - **Log axes**: a tick at every power of ten inside the range, labelled `10ᵏ` (superscript
//!   exponent, also `10⁰`); when the range holds fewer than three powers, the `2·10ᵏ` and `5·10ᵏ`
//!   multiples are added, labelled `2×10ᵏ`; a range narrower than those gets the linear ticks
//!   below, so that no log axis is unlabelled.
//! - **Linear axes**: steps of `1, 2 or 5 × 10ᵏ` giving about six ticks, every label with the
//!   same number of decimals (those of the step); values of magnitude `≥ 10⁵` or a step below
//!   `10⁻³` use `m×10ᵏ` with the step's exponent; negative values carry the minus sign `−`.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use std::ops::Range;

/// Superscript form of an integer exponent (`-3` → `⁻³`).
fn superscript(k: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = String::new();
    if k < 0 {
        out.push('⁻');
    }
    for c in k.unsigned_abs().to_string().chars() {
        out.push(DIGITS[c.to_digit(10).unwrap_or(0) as usize]);
    }
    out
}

/// `10ᵏ` or `m×10ᵏ`.
fn power_label(mantissa: f64, k: i32) -> String {
    let m = mantissa.round() as i64;
    if m == 1 {
        format!("10{}", superscript(k))
    } else {
        format!("{m}×10{}", superscript(k))
    }
}

/// Ticks and labels of a log axis on `[lo, hi]` (`0 < lo < hi`).
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let inside = |v: f64| v >= lo * (1.0 - 1e-12) && v <= hi * (1.0 + 1e-12);
    let decades: Vec<i32> = (k0..=k1).filter(|&k| inside(10f64.powi(k))).collect();
    let mantissas: &[f64] = if decades.len() >= 3 {
        &[1.0]
    } else {
        &[1.0, 2.0, 5.0]
    };
    let stride = (decades.len() / 12).max(1) as i32;
    let mut ticks = Vec::new();
    for k in k0..=k1 {
        if decades.len() >= 3 && (k - decades[0]).rem_euclid(stride) != 0 {
            continue;
        }
        for &m in mantissas {
            let v = m * 10f64.powi(k);
            if inside(v) {
                ticks.push((v, power_label(m, k)));
            }
        }
    }
    if ticks.len() < 2 {
        // Less than a factor 2.5 wide: linear ticks (one number of decimals).
        ticks = linear_ticks(lo, hi);
    }
    ticks
}

/// `v` as `m×10ᵏ` with `decimals` decimals in the mantissa.
fn sci(v: f64, decimals: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let k = v.abs().log10().floor() as i32;
    let m = v / 10f64.powi(k);
    format!("{m:.decimals$}×10{}", superscript(k))
}

/// The label of a single value `v ≠ 0` in the format of log axes: `10ᵏ` or `m×10ᵏ` when the
/// mantissa `m` is an integer, else the mantissa with two decimals (`3.16×10⁻³`); negative
/// values carry `−`, and `0` is `0`.
pub(crate) fn value_label(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { v.to_string() };
    }
    let mut k = v.abs().log10().floor() as i32;
    let mut m = v.abs() / 10f64.powi(k);
    if m >= 10.0 - 1e-9 {
        // log10 rounded just below an integer.
        (k, m) = (k + 1, m / 10.0);
    }
    let label = if (m - m.round()).abs() <= 1e-9 * m {
        power_label(m, k)
    } else {
        sci(v.abs(), 2)
    };
    if v < 0.0 {
        format!("−{label}")
    } else {
        label
    }
}

/// A `1, 2, 5 × 10ᵏ` step giving about `target` intervals on `[lo, hi]`.
fn nice_step(span: f64, target: f64) -> (f64, i32) {
    let raw = span / target;
    let k = raw.log10().floor() as i32;
    let unit = 10f64.powi(k);
    let m = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|&m| 1.4 * m * unit >= raw)
        .unwrap_or(10.0);
    if m == 10.0 {
        (unit * 10.0, k + 1)
    } else {
        (m * unit, k)
    }
}

/// Ticks and labels of a linear axis on `[lo, hi]` (about six ticks, one format).
pub(crate) fn linear_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Vec::new();
    }
    let (step, k) = nice_step(hi - lo, 6.0);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let big = lo.abs().max(hi.abs()) >= 1e5 || k < -3;
    (first..=last)
        .map(|i| {
            let v = i as f64 * step;
            let label = if i == 0 {
                "0".to_string()
            } else if big {
                let exp = lo.abs().max(hi.abs()).log10().floor() as i32;
                let m = v / 10f64.powi(exp);
                let decimals = (exp - k).max(0) as usize;
                format!("{m:.decimals$}×10{}", superscript(exp)).replace('-', "−")
            } else {
                let decimals = (-k).max(0) as usize;
                format!("{v:.decimals$}").replace('-', "−")
            };
            (v, label)
        })
        .collect()
}

/// The label of `v` among `ticks` (exact position match), or a fallback.
pub(crate) fn label_of(ticks: &[(f64, String)], v: f64) -> String {
    ticks
        .iter()
        .find(|(t, _)| (t - v).abs() <= 1e-9 * t.abs().max(1e-300))
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| sci(v, 2))
}

/// An axis whose ticks are the given positions (labels come from the caller's formatter).
pub(crate) struct Ticked<R> {
    inner: R,
    ticks: Vec<f64>,
}

impl<R> Ticked<R> {
    /// `inner` with tick positions `ticks`.
    pub(crate) fn new(inner: R, ticks: &[(f64, String)]) -> Self {
        Self {
            inner,
            ticks: ticks.iter().map(|t| t.0).collect(),
        }
    }
}

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}
