//! Pseudo-inverse and minimum-norm least squares through one divide-and-conquer SVD
//! (LAPACK `gesdd` via `ndarray-linalg`'s `SVDDC`; the plain `gesvd` is several times slower on
//! large square matrices). Singular values are cut with [`Cutoff`].

use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Slice};
use ndarray_linalg::{JobSvd, SVDDC};

/// A thin SVD `A = U diag(σ) Vᵀ` with `k = min(rows, cols)` singular values.
#[derive(Debug, Clone)]
pub struct ThinSvd {
    /// Left singular vectors, `rows × k`.
    pub u: Array2<f64>,
    /// Singular values in decreasing order, length `k`.
    pub sigma: Array1<f64>,
    /// Right singular vectors transposed, `k × cols`.
    pub vt: Array2<f64>,
}

impl ThinSvd {
    /// The effective rank of the decomposed `rows × cols` matrix under `cutoff`.
    pub fn rank(&self, cutoff: Cutoff) -> usize {
        cutoff.effective_rank(
            self.sigma.as_slice().unwrap_or(&self.sigma.to_vec()),
            self.u.nrows(),
            self.vt.ncols(),
        )
    }
}

/// Computes the thin SVD of `a`.
///
/// # Errors
///
/// Returns an error on non-finite input or a LAPACK failure.
pub fn thin_svd(a: ArrayView2<'_, f64>) -> Result<ThinSvd, FisherError> {
    let (rows, cols) = a.dim();
    if a.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "matrix passed to the SVD",
        });
    }
    if rows == 0 || cols == 0 {
        return Ok(ThinSvd {
            u: Array2::zeros((rows, 0)),
            sigma: Array1::zeros(0),
            vt: Array2::zeros((0, cols)),
        });
    }
    let (u, sigma, vt) = a
        .svddc(JobSvd::Some)
        .map_err(|e| FisherError::lapack("svddc", e))?;
    match (u, vt) {
        (Some(u), Some(vt)) => Ok(ThinSvd { u, sigma, vt }),
        _ => Err(FisherError::Lapack {
            what: "svddc",
            message: "singular vectors were not returned".into(),
        }),
    }
}

/// A pseudo-inverse together with the effective rank it was built with.
#[derive(Debug, Clone)]
pub struct PseudoInverse {
    /// The Moore–Penrose pseudo-inverse `A⁺ = V diag(1/σ_i for kept σ_i, else 0) Uᵀ`, `cols × rows`.
    pub matrix: Array2<f64>,
    /// The effective rank (number of singular values kept).
    pub rank: usize,
}

/// The Moore–Penrose pseudo-inverse of `a` (`rows × cols`), singular values below
/// `cutoff.rcond(rows, cols) · σ_max` treated as zero.
///
/// # Errors
///
/// [`FisherError::NonFinite`] if `a` has a NaN or infinite entry; [`FisherError::Lapack`] if
/// the SVD fails.
pub fn pinv(a: ArrayView2<'_, f64>, cutoff: Cutoff) -> Result<PseudoInverse, FisherError> {
    let svd = thin_svd(a)?;
    let rank = svd.rank(cutoff);
    // A⁺ = V_r diag(1/σ_r) U_rᵀ.
    let mut v_scaled = svd
        .vt
        .slice_axis(Axis(0), Slice::from(..rank))
        .t()
        .to_owned();
    for (mut col, &s) in v_scaled.axis_iter_mut(Axis(1)).zip(svd.sigma.iter()) {
        col /= s;
    }
    let matrix = v_scaled.dot(&svd.u.slice_axis(Axis(1), Slice::from(..rank)).t());
    Ok(PseudoInverse { matrix, rank })
}

/// A minimum-norm least-squares solution with the effective rank of the system matrix.
#[derive(Debug, Clone)]
pub struct LeastSquares {
    /// `x = A⁺ b`, the minimum-norm minimizer of `‖A x − b‖`.
    pub x: Array1<f64>,
    /// The effective rank of `A`.
    pub rank: usize,
    /// The condition number of the kept part, `σ_1 / σ_rank` (1 when nothing is kept).
    pub condition: f64,
    /// The largest singular value `σ_1 = ‖A‖₂` (0 for an empty matrix).
    pub norm: f64,
}

/// The minimum-norm least-squares solution `x = A⁺ b` of `A x ≈ b` through the SVD of `A`,
/// with the cut-off policy of [`Cutoff`].
///
/// # Errors
///
/// [`FisherError::Shape`] if `b` does not have one entry per row of `A`;
/// [`FisherError::NonFinite`] for a non-finite entry of `A` or `b`; [`FisherError::Lapack`] if
/// the SVD fails.
pub fn lstsq_min_norm(
    a: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    cutoff: Cutoff,
) -> Result<LeastSquares, FisherError> {
    if a.nrows() != b.len() {
        return Err(FisherError::Shape {
            what: "least-squares right-hand side",
            expected: format!("length {}", a.nrows()),
            found: format!("length {}", b.len()),
        });
    }
    if b.iter().any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite {
            what: "least-squares right-hand side",
        });
    }
    let svd = thin_svd(a)?;
    let rank = svd.rank(cutoff);
    // x = V_r diag(1/σ_r) U_rᵀ b.
    let mut coef = svd.u.slice_axis(Axis(1), Slice::from(..rank)).t().dot(&b);
    coef.zip_mut_with(
        &svd.sigma.slice_axis(Axis(0), Slice::from(..rank)),
        |c, &s| *c /= s,
    );
    let x = svd
        .vt
        .slice_axis(Axis(0), Slice::from(..rank))
        .t()
        .dot(&coef);
    let condition = if rank == 0 {
        1.0
    } else {
        svd.sigma[0] / svd.sigma[rank - 1]
    };
    let norm = svd.sigma.first().copied().unwrap_or(0.0);
    Ok(LeastSquares {
        x,
        rank,
        condition,
        norm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn pinv_of_rank_one_matrix() {
        // A = [1 2; 2 4] = v vᵀ with v = (1, 2): A⁺ = A / ‖v‖⁴ = A / 25.
        let a = array![[1.0, 2.0], [2.0, 4.0]];
        let p = pinv(a.view(), Cutoff::numpy_default()).unwrap();
        assert_eq!(p.rank, 1);
        for (x, y) in p.matrix.iter().zip(a.iter()) {
            assert!((x - y / 25.0).abs() < 1e-15);
        }
    }

    #[test]
    fn lstsq_min_norm_underdetermined() {
        // x1 + x2 = 2: the minimum-norm solution is (1, 1).
        let a = array![[1.0, 1.0]];
        let sol = lstsq_min_norm(a.view(), array![2.0].view(), Cutoff::numpy_default()).unwrap();
        assert_eq!(sol.rank, 1);
        assert!((sol.x[0] - 1.0).abs() < 1e-15 && (sol.x[1] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn zero_matrix_has_rank_zero_and_zero_pinv() {
        let a = Array2::<f64>::zeros((3, 2));
        let p = pinv(a.view(), Cutoff::numpy_default()).unwrap();
        assert_eq!(p.rank, 0);
        assert!(p.matrix.iter().all(|&x| x == 0.0));
        assert_eq!(p.matrix.dim(), (2, 3));
    }
}
