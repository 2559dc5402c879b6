//! The pseudo-inverse of a square matrix by LU when that is safe, else by the SVD.
//!
//! For a square `A` (`n × n`) whose singular values all pass the [`Cutoff`]
//! (`σ_min ≥ rcond · σ_max`, i.e. `κ₂(A) ≤ 1/rcond`), `A⁺ = A⁻¹`, and LU with partial pivoting
//! (LAPACK `getrf` + `getri`, `≈ 2n³` flops) gives it several times faster than the
//! divide-and-conquer SVD of [`pinv`] (`≈ 20n³` with the singular vectors and the product
//! `V Σ⁻¹ Uᵀ`). Which case applies is decided after the inversion, from the computed inverse
//! `X`:
//!
//! `κ̂ = (‖A‖₁ ‖A‖_∞ ‖X‖₁ ‖X‖_∞)^{1/2}`, and the LU result is kept iff
//! `LU_SAFETY · κ̂ ≤ 1/rcond` (with [`LU_SAFETY`] = 4).
//!
//! **Why this is safe.** `‖M‖₂² ≤ ‖M‖₁ ‖M‖_∞` for any matrix, so with `X = A⁻¹`,
//! `κ₂(A) ≤ κ̂ ≤ n κ₂(A)`: unlike the usual `κ₂ ≤ n κ₁` it loses no factor `n` on the safe side,
//! and the norms are exact — not the LAPACK `gecon` estimate of `‖A⁻¹‖₁`, a lower bound that can
//! undershoot by an unknown factor. What remains is the rounding in `X`. Let `F = X A − I` be
//! its residual and `v` a unit right singular vector of `σ_min(A)`: `‖X‖₂ σ_min ≥ ‖X A v‖ ≥
//! 1 − ‖F‖₂`, so `κ̂ ≥ ‖A‖₂ ‖X‖₂ ≥ (1 − ‖F‖₂) κ₂(A)`. If the LU is kept, then
//! `κ₂(A) ≤ κ̂ / (1 − ‖F‖₂) ≤ 1/rcond` whenever `‖F‖₂ ≤ 1 − 1/LU_SAFETY = 3/4`: the SVD would have
//! kept every singular value, and both routes compute `A⁻¹` (to round-off of order `κ ε`).
//! For LU with partial pivoting `‖F‖ ≲ c n ε ρ κ(A)` (ρ the growth factor), far below `3/4`
//! for the accepted `κ̂ ≤ 1/(4 rcond)` unless `rcond` is near `ε` and the growth is extreme —
//! the region where the SVD's own rank decision is decided by round-off. An exactly singular
//! pivot (`getrf` info > 0), a non-finite `X` or a failed test falls back to [`pinv`]
//! (`rcond = max(m, n) ε` by default), whose result and rank are returned.
//!
//! The `n²` norms are negligible next to the `n³` factorization (the product `‖M‖₁ ‖M‖_∞` is
//! symmetric under transposition, so a column-major view is summed in its memory order).

use crate::FisherError;
use crate::linalg::{Cutoff, pinv};
use ndarray::{Array2, ArrayView2};
use ndarray_linalg::{FactorizeInto, InverseInto};

/// The factor between the condition bound `κ̂` and `1/rcond` required to keep the LU inverse
/// (see the module docs).
pub const LU_SAFETY: f64 = 4.0;

/// How a pseudo-inverse was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InverseRoute {
    /// No factorization: the matrix is the identity (an empty partial product).
    Identity,
    /// `A⁻¹` by LU (the matrix is safely inside the cut-off).
    Lu,
    /// The SVD pseudo-inverse ([`pinv`]): the LU route was not safe.
    Svd,
}

/// The route taken by [`pinv_square_into`] and the effective rank (`n` for LU).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InverseReport {
    /// The route taken.
    pub route: InverseRoute,
    /// The effective rank under the cut-off.
    pub rank: usize,
}

/// Writes `A⁺` of a square `a` into `out` (resized to `n × n` if needed): by LU when `a` is
/// safely well conditioned for `cutoff`, else by the SVD (see the module docs).
///
/// # Errors
///
/// Returns an error on a non-square or empty `a`, non-finite entries, or a failing SVD.
pub fn pinv_square_into(
    a: ArrayView2<'_, f64>,
    cutoff: Cutoff,
    out: &mut Array2<f64>,
) -> Result<InverseReport, FisherError> {
    let n = a.nrows();
    if a.ncols() != n || n == 0 {
        return Err(FisherError::Shape {
            what: "matrix to invert",
            expected: "square and non-empty".into(),
            found: format!("{} × {}", a.nrows(), a.ncols()),
        });
    }
    if a.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "matrix to invert",
        });
    }
    if out.dim() != (n, n) || !out.is_standard_layout() {
        *out = Array2::zeros((n, n));
    }
    out.assign(&a);
    let lu = std::mem::take(out)
        .factorize_into()
        .and_then(|f| f.inv_into());
    if let Ok(x) = lu {
        let bound = (norm_1_times_inf(a) * norm_1_times_inf(x.view())).sqrt();
        let keep = bound.is_finite() && LU_SAFETY * bound * cutoff.rcond(n, n) <= 1.0;
        *out = x;
        if keep {
            return Ok(InverseReport {
                route: InverseRoute::Lu,
                rank: n,
            });
        }
    }
    let p = pinv(a, cutoff)?;
    *out = p.matrix;
    Ok(InverseReport {
        route: InverseRoute::Svd,
        rank: p.rank,
    })
}

/// `‖A‖₁ ‖A‖_∞`: the largest column and row sums of `|a_ij|`, in one pass over the memory
/// order (rows of a row-major `a`, columns of a column-major one).
fn norm_1_times_inf(a: ArrayView2<'_, f64>) -> f64 {
    let a = if a.t().is_standard_layout() && !a.is_standard_layout() {
        a.reversed_axes()
    } else {
        a
    };
    let mut column_sums = vec![0.0; a.ncols()];
    let mut row_max = 0.0_f64;
    for row in a.rows() {
        let mut row_sum = 0.0;
        for (s, x) in column_sums.iter_mut().zip(row.iter()) {
            *s += x.abs();
            row_sum += x.abs();
        }
        row_max = row_max.max(row_sum);
    }
    row_max * column_sums.iter().copied().fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn well_conditioned_takes_lu_and_matches_pinv() {
        let a = array![[4.0, 1.0, 0.5], [0.0, 3.0, -1.0], [1.0, 2.0, 5.0]];
        let mut out = Array2::zeros((0, 0));
        let r = pinv_square_into(a.view(), Cutoff::default(), &mut out).unwrap();
        assert_eq!(
            r,
            InverseReport {
                route: InverseRoute::Lu,
                rank: 3
            }
        );
        let p = pinv(a.view(), Cutoff::default()).unwrap().matrix;
        assert!((&out - &p).iter().all(|x| x.abs() < 1e-15 * 16.0));
        // A transposed (strided) view gives the transposed inverse.
        pinv_square_into(a.t(), Cutoff::default(), &mut out).unwrap();
        assert!((&out - &p.t()).iter().all(|x| x.abs() < 1e-15 * 16.0));
    }

    #[test]
    fn singular_and_near_singular_fall_back_to_the_svd() {
        let mut out = Array2::zeros((2, 2));
        // Exactly singular: getrf reports a zero pivot.
        let a = array![[1.0, 2.0], [2.0, 4.0]];
        let r = pinv_square_into(a.view(), Cutoff::default(), &mut out).unwrap();
        assert_eq!(
            r,
            InverseReport {
                route: InverseRoute::Svd,
                rank: 1
            }
        );
        // κ₂ ≈ 4e16 > 1/(2ε): invertible by LU in floating point, but outside the cut-off.
        let b = array![[1.0, 1.0], [1.0, 1.0 + 1e-16 * 4.0]];
        let r = pinv_square_into(b.view(), Cutoff::default(), &mut out).unwrap();
        assert_eq!(r.route, InverseRoute::Svd);
        // A coarse fixed cut-off: κ₂ = 100 is inside 1/0.001 but not inside 1/(4 · 0.005).
        let c = array![[1.0, 0.0], [0.0, 0.01]];
        let loose = Cutoff::relative(0.001).unwrap();
        assert_eq!(
            pinv_square_into(c.view(), loose, &mut out).unwrap().route,
            InverseRoute::Lu
        );
        let tight = Cutoff::relative(0.005).unwrap();
        let r = pinv_square_into(c.view(), tight, &mut out).unwrap();
        assert_eq!(
            r,
            InverseReport {
                route: InverseRoute::Svd,
                rank: 2
            }
        );
        assert!((out[[1, 1]] - 100.0).abs() < 1e-12);
        assert!(pinv_square_into(array![[1.0, 2.0]].view(), loose, &mut out).is_err());
    }
}
