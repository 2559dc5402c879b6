//! The cut-off policy of the generic routes applied to a spectrum: eigenvalues `λ_i` of the
//! curvature matrix (up to the common positive scale `c`) are kept when
//! `λ_i ≥ rcond · λ_max`, `rcond = cutoff.rcond(P, P)`; the effective rank and the condition
//! number `κ = λ_max / λ_min(kept)` follow.

use crate::FisherError;
use crate::linalg::{Cutoff, thin_svd};
use ndarray::{Array1, ArrayView1, ArrayView2, Axis, Slice};
use ndarray_linalg::{EigValsh, UPLO};

/// The kept part of a spectrum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Kept {
    /// How many eigenvalues are kept.
    pub rank: usize,
    /// `λ_max / λ_min` over the kept eigenvalues (1 for rank 0).
    pub condition: f64,
    /// `λ_max` (in the units of the spectrum given; the reference when one was given).
    pub largest: f64,
    /// The smallest kept eigenvalue (`∞` for rank 0).
    pub smallest: f64,
}

/// The relative cut-off on eigenvalues of a `P × P` curvature matrix.
pub(crate) fn eigenvalue_rcond(cutoff: Cutoff, p: usize) -> f64 {
    cutoff.rcond(p, p)
}

/// Applies the policy to non-negative eigenvalues, relative to `reference` (the largest
/// eigenvalue of the whole curvature matrix; `None`: the largest of `values`).
pub(crate) fn keep(values: &[f64], rcond: f64, reference: Option<f64>) -> Kept {
    let own_max = values.iter().copied().fold(0.0_f64, f64::max);
    let largest = reference.unwrap_or(own_max).max(own_max);
    let threshold = rcond * largest;
    let kept: Vec<f64> = values
        .iter()
        .copied()
        .filter(|&v| largest > 0.0 && v > 0.0 && v >= threshold)
        .collect();
    let smallest = kept.iter().copied().fold(f64::INFINITY, f64::min);
    let kept_max = kept.iter().copied().fold(0.0_f64, f64::max);
    Kept {
        rank: kept.len(),
        condition: if kept.is_empty() {
            1.0
        } else {
            kept_max / smallest
        },
        largest,
        smallest,
    }
}

/// The eigenvalues of the symmetric positive semi-definite `gram` (negative round-off clipped
/// to zero).
///
/// # Errors
/// [`FisherError::Lapack`] when the eigensolver fails.
pub(crate) fn gram_eigenvalues(gram: ArrayView2<'_, f64>) -> Result<Vec<f64>, FisherError> {
    if gram.nrows() == 0 {
        return Ok(Vec::new());
    }
    let values = gram
        .eigvalsh(UPLO::Lower)
        .map_err(|e| FisherError::lapack("eigvalsh", e))?;
    Ok(values.iter().map(|&v| v.max(0.0)).collect())
}

/// The cut pseudo-inverse of the curvature `AᵀA` applied to `z = Aᵀ b` (the gradient over the
/// scale `c`): `g = V_k diag(1/σ_k²) V_kᵀ z` from an SVD `A = UΣVᵀ`, keeping the `σ_i²` (the
/// curvature's eigenvalues) not below `rcond · reference` (`reference`: the largest eigenvalue
/// of the whole curvature; `None`: `σ_max²`). This is `pinv(AᵀA) z`, the minimum-norm solution
/// of `A g ≈ b` when `z = Aᵀb`; taking `z` instead of `b` keeps the error at about `κ(AᵀA) ε`
/// even when `b` is large on rows where `A` is tiny (low-weight samples with huge natural
/// targets), where `Uᵀ b` would amplify the residual.
///
/// # Errors
/// Errors of [`thin_svd`].
pub(crate) fn curvature_pinv_apply(
    a: ArrayView2<'_, f64>,
    z: ArrayView1<'_, f64>,
    rcond: f64,
    reference: Option<f64>,
) -> Result<(Array1<f64>, Kept), FisherError> {
    let svd = thin_svd(a)?;
    let squares: Vec<f64> = svd.sigma.iter().map(|s| s * s).collect();
    let kept = keep(&squares, rcond, reference);
    let v = svd.vt.slice_axis(Axis(0), Slice::from(..kept.rank));
    let mut coefficients = v.dot(&z);
    for (c, s) in coefficients.iter_mut().zip(&squares) {
        *c /= s;
    }
    Ok((v.t().dot(&coefficients), kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn keeps_relative_to_the_largest() {
        let k = keep(&[4.0, 1.0, 1e-20, 0.0], 1e-10, None);
        assert_eq!(k.rank, 2);
        assert_eq!(k.condition, 4.0);
        assert_eq!(k.largest, 4.0);
        // Relative to a larger reference, more is cut.
        let k = keep(&[4.0, 1.0], 0.5, Some(8.0));
        assert_eq!(k.rank, 1);
        assert_eq!(keep(&[0.0], 1e-10, None).rank, 0);
    }

    #[test]
    fn curvature_pinv_cuts_on_squares() {
        // A = diag(1, 1e-5), b = (2, 3), z = Aᵀb = (2, 3e-5): AᵀA has eigenvalues 1 and 1e-10;
        // with rcond 1e-9 the second is cut, with 1e-11 g = (2, 3e-5 / 1e-10) = (2, 3e5).
        let a = array![[1.0, 0.0], [0.0, 1e-5]];
        let z = array![2.0, 3e-5];
        let (g, kept) = curvature_pinv_apply(a.view(), z.view(), 1e-9, None).unwrap();
        assert_eq!(kept.rank, 1);
        assert_eq!(g, array![2.0, 0.0]);
        let (g, kept) = curvature_pinv_apply(a.view(), z.view(), 1e-11, None).unwrap();
        assert_eq!(kept.rank, 2);
        assert!((g[1] - 3e5).abs() < 1e-9);
    }
}
