//! Signed data `X̃ = diag(y) X` as a type, and the diagonal-network natural gradient from a
//! network and labelled data without hand-built margins or cofactors.
//!
//! The low-level solvers ([`diag_natural_gradient`] and its
//! twins) take `X̃` as a plain array for speed, so passing the raw inputs `X` in its place is
//! not detectable there: it silently computes the natural gradient for all labels `+1`.
//! [`SignedData`] makes the choice visible where the data is built — it is constructed either
//! from `(X, y)` ([`SignedData::from_labels`], which forms `X̃` itself) or, explicitly, from an
//! array the caller asserts is already signed ([`SignedData::from_signed`]) — and
//! [`diag_natural_gradient_of`] derives the margins `u = X̃ β` and the cofactors
//! `c_l = ∏_{k≠l} w_k` from a [`DiagonalNet`] (the paper's eq. 39), so that only `(net, X, y)`
//! are needed.

use crate::linalg::finite::array_all_finite;
use crate::{DiagNaturalGradient, DiagOptions, FisherError, diag_natural_gradient};
use ndarray::{Array2, ArrayView1, ArrayView2};
use ngd_models::DiagonalNet;

/// Signed data `X̃ = diag(y) X` (`N × D`, row `n` is `y_n x_n`), so that the margins of a
/// linear score `β` are `u = X̃ β`.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedData {
    xt: Array2<f64>,
}

impl SignedData {
    /// Builds `X̃ = diag(y) X` from inputs `X` (`N × D`, one sample per row) and labels
    /// `y ∈ {−1, +1}^N`.
    ///
    /// # Errors
    ///
    /// [`FisherError::Shape`] if `N = 0`, `D = 0` or `len(y) ≠ N`; [`FisherError::Invalid`]
    /// naming the first label that is not exactly `±1`; [`FisherError::NonFinite`] if `X` has
    /// a NaN or infinite entry.
    pub fn from_labels(
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
    ) -> Result<Self, FisherError> {
        if y.len() != x.nrows() {
            return Err(FisherError::Shape {
                what: "labels y",
                expected: format!("length N = {} (rows of X)", x.nrows()),
                found: format!("length {}", y.len()),
            });
        }
        if let Some(bad) = y.iter().find(|&&v| v != 1.0 && v != -1.0) {
            return Err(FisherError::Invalid {
                what: "label in y",
                value: bad.to_string(),
                allowed: "labels must be exactly −1 or +1",
            });
        }
        let mut xt = x.to_owned();
        for (mut row, &label) in xt.rows_mut().into_iter().zip(y) {
            row *= label;
        }
        Self::from_signed(xt)
    }

    /// Wraps an array the caller has already signed, `X̃ = diag(y) X`. Nothing can check that
    /// the labels were folded in; prefer [`SignedData::from_labels`].
    ///
    /// # Errors
    ///
    /// [`FisherError::Shape`] if `N = 0` or `D = 0`; [`FisherError::NonFinite`] if an entry is
    /// NaN or infinite.
    pub fn from_signed(xt: Array2<f64>) -> Result<Self, FisherError> {
        let (n, d) = xt.dim();
        if n == 0 || d == 0 {
            return Err(FisherError::Shape {
                what: "signed data X̃",
                expected: "N × D with N ≥ 1 and D ≥ 1".into(),
                found: format!("{n} × {d}"),
            });
        }
        if !array_all_finite(&xt) {
            return Err(FisherError::NonFinite {
                what: "signed data X̃",
            });
        }
        Ok(Self { xt })
    }

    /// The signed data `X̃`, `N × D`.
    pub fn view(&self) -> ArrayView2<'_, f64> {
        self.xt.view()
    }

    /// The signed data, owned.
    pub fn into_inner(self) -> Array2<f64> {
        self.xt
    }

    /// The number of samples `N`.
    pub fn samples(&self) -> usize {
        self.xt.nrows()
    }

    /// The number of features `D`.
    pub fn dim(&self) -> usize {
        self.xt.ncols()
    }
}

/// The natural gradient of the mean logistic loss of the diagonal network `net` on `data`:
/// [`diag_natural_gradient`] with the margins `u = X̃ β` and the cofactors `c_l` derived from
/// `net`. The direction is `L × D` (row `l` is `g_l`), an ascent direction (`w ← w − η g`).
///
/// Allocates the margins, cofactors and scratch memory on every call; optimizers that step
/// many times use `diag_natural_gradient_with` and a workspace instead.
///
/// # Errors
///
/// [`FisherError::Shape`] if `net.dim() ≠ D` of `data`; otherwise every error of
/// [`diag_natural_gradient`] (for example [`FisherError::Singular`] when a forced route's
/// preconditions fail, [`FisherError::NonFinite`] for a non-finite result).
pub fn diag_natural_gradient_of(
    net: &DiagonalNet,
    data: &SignedData,
    options: &DiagOptions,
) -> Result<DiagNaturalGradient, FisherError> {
    if net.dim() != data.dim() {
        return Err(FisherError::Shape {
            what: "diagonal network",
            expected: format!("D = {} features (columns of X̃)", data.dim()),
            found: format!("D = {}", net.dim()),
        });
    }
    let margins = data.view().dot(&net.beta());
    diag_natural_gradient(data.view(), margins.view(), net.cofactors().view(), options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn from_labels_flips_the_rows_with_negative_labels() {
        let x = array![[1.0, 2.0], [3.0, -4.0]];
        let data = SignedData::from_labels(x.view(), array![1.0, -1.0].view()).unwrap();
        assert_eq!(data.view(), array![[1.0, 2.0], [-3.0, 4.0]]);
    }

    #[test]
    fn from_labels_rejects_bad_labels_and_shapes() {
        let x = array![[1.0, 2.0], [3.0, 4.0]];
        let err = SignedData::from_labels(x.view(), array![1.0, 0.0].view()).unwrap_err();
        assert!(
            matches!(
                err,
                FisherError::Invalid {
                    what: "label in y",
                    ..
                }
            ),
            "{err}"
        );
        let err = SignedData::from_labels(x.view(), array![1.0].view()).unwrap_err();
        assert!(
            matches!(
                err,
                FisherError::Shape {
                    what: "labels y",
                    ..
                }
            ),
            "{err}"
        );
        let nan = array![[f64::NAN, 1.0]];
        let err = SignedData::from_labels(nan.view(), array![1.0].view()).unwrap_err();
        assert!(matches!(err, FisherError::NonFinite { .. }), "{err}");
        let err = SignedData::from_signed(Array2::zeros((0, 2))).unwrap_err();
        assert!(matches!(err, FisherError::Shape { .. }), "{err}");
    }

    #[test]
    fn net_of_the_wrong_width_is_a_shape_error() {
        let data = SignedData::from_signed(array![[1.0, 2.0, 3.0]]).unwrap();
        let net = DiagonalNet::new(array![[1.0, 1.0], [1.0, 1.0]]).unwrap();
        let err = diag_natural_gradient_of(&net, &data, &DiagOptions::default()).unwrap_err();
        assert!(
            matches!(
                err,
                FisherError::Shape {
                    what: "diagonal network",
                    ..
                }
            ),
            "{err}"
        );
    }
}
