//! Full-column-rank least squares by Householder QR (LAPACK `geqrf`/`orgqr`), cheaper than an
//! SVD for tall systems. Rank deficiency is detected on the diagonal of `R` with the crate's
//! [`Cutoff`] policy (`|R_ii| < rcond · max_j |R_jj|` ⇒ singular): exact rank deficiency always
//! makes some `R_ii` vanish, so the test catches it; it is not a rank-revealing factorization,
//! so callers needing the minimum-norm solution of a deficient system use
//! [`crate::linalg::lstsq_min_norm`].

use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array1, ArrayView1, ArrayView2};
use ndarray_linalg::{Diag, QR, SolveTriangular, UPLO};

/// Solves `min ‖A x − b‖` for a tall `A` (`rows ≥ cols`) of full column rank.
///
/// # Errors
///
/// [`FisherError::Singular`] (naming `what`) when `A` is numerically rank deficient.
pub fn lstsq_full_column_rank(
    a: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    cutoff: Cutoff,
    what: &'static str,
) -> Result<Array1<f64>, FisherError> {
    let (rows, cols) = a.dim();
    if rows < cols || b.len() != rows || cols == 0 {
        return Err(FisherError::Shape {
            what,
            expected: format!("tall system (rows ≥ cols ≥ 1) with a length-{rows} right-hand side"),
            found: format!("{rows} × {cols} with length {}", b.len()),
        });
    }
    if a.iter().chain(b.iter()).any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite { what });
    }
    let (q, r) = a.qr().map_err(|e| FisherError::lapack("QR", e))?;
    let pivots: Vec<f64> = r.diag().iter().map(|x| x.abs()).collect();
    cutoff.require_full_rank(&pivots, (rows, cols), what)?;
    let qtb = q.t().dot(&b);
    r.solve_triangular(UPLO::Upper, Diag::NonUnit, &qtb)
        .map_err(|e| FisherError::lapack("triangular solve", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn fits_a_line() {
        // Points (0, 1), (1, 3), (2, 5) lie on y = 1 + 2x exactly.
        let a = array![[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]];
        let b = array![1.0, 3.0, 5.0];
        let x = lstsq_full_column_rank(a.view(), b.view(), Cutoff::default(), "A").unwrap();
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 2.0).abs() < 1e-14);
    }

    #[test]
    fn rank_deficient_is_an_error() {
        let a = array![[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]];
        let b = array![1.0, 1.0, 1.0];
        let r = lstsq_full_column_rank(a.view(), b.view(), Cutoff::default(), "A");
        assert!(matches!(r, Err(FisherError::Singular { .. })));
    }
}
