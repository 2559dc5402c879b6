//! The planted problems of issue #13: `X` i.i.d. Gaussian (`N × D`), labels `y = sign(X b)` for
//! a planted Gaussian `b`, `X̃ = diag(y) X`, and `β = sign · b · margin / max|X̃ b|`, so that every
//! margin `u_n = X̃_n β` has the sign of `sign` and `max |u| = margin` (with `sign = −1` every
//! training point is misclassified). For `L > 1` the layers are random (`±(0.5 + U(0, 1))`) and
//! the first layer is set to `β / (w_2 ⊙ … ⊙ w_L)`. [`Margins::Mixed`] takes `β` along a
//! second Gaussian direction instead, so the margins have both signs and `max|u| = margin`.

use crate::common::{beta, cofactors, randn, rng, weights};
use ndarray::{Array1, Array2, Axis, Slice};

/// A planted problem: `(X̃, margins u, cofactors c)`.
pub struct Planted {
    /// `X̃ = diag(y) X`, `N × D`.
    pub x_signed: Array2<f64>,
    /// `u = X̃ β`.
    pub margins: Array1<f64>,
    /// `c_l = ∏_{k≠l} w_k`, `L × D`.
    pub cofactors: Array2<f64>,
}

/// The sign pattern of the margins.
#[derive(Debug, Clone, Copy)]
pub enum Margins {
    /// Every margin positive (every point classified correctly).
    Positive,
    /// Every margin negative (every point misclassified).
    Negative,
    /// Margins of both signs.
    Mixed,
}

/// The planted problem with `N × D` data, `L` layers, margins of sign pattern `margins` and
/// `max|u| = margin`.
pub fn planted(
    seed: u64,
    (n, d, l): (usize, usize, usize),
    margins: Margins,
    margin: f64,
) -> Planted {
    let mut r = rng(seed);
    let x = randn(&mut r, n, d);
    let b = randn(&mut r, d, 1).column(0).to_owned();
    let other = randn(&mut r, d, 1).column(0).to_owned();
    let labels = x.dot(&b).mapv(|v| if v >= 0.0 { 1.0 } else { -1.0 });
    let x_signed = &x * &labels.view().insert_axis(Axis(1));
    let (direction, sign) = match margins {
        Margins::Positive => (b, 1.0),
        Margins::Negative => (b, -1.0),
        Margins::Mixed => (other, 1.0),
    };
    let max = x_signed
        .dot(&direction)
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let target_beta = &direction * (sign * margin / max);
    let mut w = weights(&mut r, l, d);
    let rest = w
        .slice_axis(Axis(0), Slice::from(1..))
        .map_axis(Axis(0), |col| col.iter().product::<f64>());
    w.row_mut(0).assign(&(&target_beta / &rest));
    let margins = x_signed.dot(&beta(w.view()));
    Planted {
        x_signed,
        margins,
        cofactors: cofactors(&w),
    }
}
