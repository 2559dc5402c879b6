//! Symmetric positive-definite solves by Cholesky factorization (LAPACK `potrf`), with a rank
//! test under the crate's [`Cutoff`] policy so that a numerically singular matrix is reported as
//! [`FisherError::Singular`] instead of producing huge or NaN solutions.

use crate::FisherError;
use crate::linalg::Cutoff;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use ndarray_linalg::{Cholesky, Diag, SolveTriangular, UPLO};

/// Solves `K a = t` for a symmetric positive-definite `K` (`n × n`).
///
/// # Errors
///
/// [`FisherError::Singular`] (naming `what`) when the Cholesky factorization breaks
/// down or a squared pivot `L_ii²` falls below `rcond · max_j K_jj` — a necessary sign of
/// numerical rank deficiency (every squared pivot is at least `λ_min(K)`).
pub fn spd_solve(
    k: ArrayView2<'_, f64>,
    t: ArrayView1<'_, f64>,
    cutoff: Cutoff,
    what: &'static str,
) -> Result<Array1<f64>, FisherError> {
    let l = spd_factor(k, t, cutoff, what)?;
    solve_with_factor(&l, t)
}

/// A checked SPD solve: [`spd_solve`]'s `a` (the same bits) with the correction
/// `δ = K⁻¹ (t − K a)` of one step of iterative refinement (same factor, `O(n²)`), whose size
/// estimates the error of `a`, and `κ(K) ≈ (max L_ii / min L_ii)²` (a lower estimate).
/// Returns `(a, δ, κ)`. Same errors as [`spd_solve`].
pub(crate) fn spd_solve_checked(
    k: ArrayView2<'_, f64>,
    t: ArrayView1<'_, f64>,
    cutoff: Cutoff,
    what: &'static str,
) -> Result<(Array1<f64>, Array1<f64>, f64), FisherError> {
    let l = spd_factor(k, t, cutoff, what)?;
    let a = solve_with_factor(&l, t)?;
    let delta = solve_with_factor(&l, (&t - &k.dot(&a)).view())?;
    let (largest, smallest) = l
        .diag()
        .iter()
        .fold((0.0_f64, f64::INFINITY), |(hi, lo), &p| {
            (hi.max(p), lo.min(p))
        });
    Ok((a, delta, (largest / smallest).powi(2)))
}

/// The checked Cholesky factor `L` of `K` (see [`spd_solve`] for the checks).
fn spd_factor(
    k: ArrayView2<'_, f64>,
    t: ArrayView1<'_, f64>,
    cutoff: Cutoff,
    what: &'static str,
) -> Result<Array2<f64>, FisherError> {
    let n = k.nrows();
    if k.ncols() != n || t.len() != n {
        return Err(FisherError::Shape {
            what,
            expected: format!("square {n} × {n} system with a length-{n} right-hand side"),
            found: format!("{} × {} with length {}", k.nrows(), k.ncols(), t.len()),
        });
    }
    if k.iter().chain(t.iter()).any(|x| !x.is_finite()) {
        return Err(FisherError::NonFinite { what });
    }
    let singular = |rank| FisherError::Singular {
        what,
        rank,
        needed: n,
        hint: String::new(),
    };
    let max_diag = k.diag().iter().copied().fold(0.0_f64, f64::max);
    if max_diag <= 0.0 {
        return Err(singular(0));
    }
    let l = k.cholesky(UPLO::Lower).map_err(|_| singular(n - 1))?;
    let threshold = cutoff.threshold(n, n, max_diag);
    let kept = l.diag().iter().filter(|&&p| p * p >= threshold).count();
    if kept < n {
        return Err(singular(kept));
    }
    Ok(l)
}

/// `L Lᵀ a = t` by two triangular solves.
fn solve_with_factor(l: &Array2<f64>, t: ArrayView1<'_, f64>) -> Result<Array1<f64>, FisherError> {
    let y = l
        .solve_triangular(UPLO::Lower, Diag::NonUnit, &t.to_owned())
        .map_err(|e| FisherError::lapack("triangular solve", e))?;
    let a = l
        .t()
        .solve_triangular(UPLO::Upper, Diag::NonUnit, &y)
        .map_err(|e| FisherError::lapack("triangular solve", e))?;
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn solves_small_spd_system() {
        // [4 2; 2 3] a = (2, 1) has the solution a = (0.5, 0) (by hand).
        let k = array![[4.0, 2.0], [2.0, 3.0]];
        let a = spd_solve(k.view(), array![2.0, 1.0].view(), Cutoff::default(), "K").unwrap();
        assert!((a[0] - 0.5).abs() < 1e-15 && a[1].abs() < 1e-15);
    }

    #[test]
    fn singular_is_an_error() {
        let k = array![[1.0, 1.0], [1.0, 1.0]];
        let r = spd_solve(k.view(), array![1.0, 1.0].view(), Cutoff::default(), "K");
        assert!(matches!(r, Err(FisherError::Singular { .. })));
        let z = array![[0.0, 0.0], [0.0, 0.0]];
        let r = spd_solve(z.view(), array![1.0, 1.0].view(), Cutoff::default(), "K");
        assert!(matches!(r, Err(FisherError::Singular { rank: 0, .. })));
    }
}
