//! Full-column-rank least squares by one Householder QR of the augmented matrix `[A | b]`,
//! without forming `Q`.
//!
//! With `A = Q R` (`Q` orthonormal `m × n`, `R` upper triangular `n × n`), the QR factorization
//! of `[A | b]` is `[Q q] [[R, Qᵀb], [0, ρ]]`, so its last column holds `Qᵀb` above the diagonal
//! and `min ‖A x − b‖` is solved by `R x = Qᵀb` (back substitution). ndarray-linalg's `qr`
//! forms `Q` explicitly (LAPACK `orglq`/`orgqr`, as many flops as the factorization, about
//! `2mn² − 2n³/3`) and then multiplies `Qᵀb`; here only the factorization runs (LAPACK
//! `gelqf` on the row-major storage, through [`Lapack::householder`]), which halves the work
//! for the weighted route (N = 2500, D = 1000). Same backward-stable method: the solution
//! agrees with [`crate::linalg::lstsq_full_column_rank`] to round-off. The caller decides rank
//! deficiency from the pivots `|R_ii|` ([`pivots`]), solves with `R` ([`solve_upper`]) and
//! can apply `Qᵀ` to a new vector from the stored reflectors ([`apply_q_transposed`]; for
//! iterative refinement).

use crate::FisherError;
use crate::linalg::finite::array_all_finite;
use ndarray::{Array1, Array2, ArrayView1, s};
use ndarray_linalg::{Lapack, MatrixLayout};

/// Overwrites the row-major augmented matrix `[A | b]` (`m × (n + 1)`, `m ≥ n ≥ 1`) by its
/// Householder QR factorization: afterwards its upper `n × n` triangle holds `R` (row `i` is
/// `R_i·`) and its last column `Qᵀb` above row `n`. `Q` is not formed: the Householder
/// vectors stay below the diagonal, and their scalars `τ` are returned (for
/// [`apply_q_transposed`]).
///
/// Errors with [`FisherError::NonFinite`] on a non-finite entry, [`FisherError::Shape`] on a
/// bad shape or a matrix that is not row-major and contiguous (both naming `what`).
pub(crate) fn factor_augmented_in_place(
    augmented: &mut Array2<f64>,
    what: &'static str,
) -> Result<Vec<f64>, FisherError> {
    let (rows, width) = augmented.dim();
    let cols = width.saturating_sub(1);
    let row_major = augmented.is_standard_layout();
    let sizes = (i32::try_from(rows), i32::try_from(width));
    let (Ok(rows_i32), Ok(width_i32)) = sizes else {
        return Err(FisherError::Shape {
            what,
            expected: "at most i32::MAX rows and columns (LAPACK's integer size)".into(),
            found: format!("{rows} × {width}"),
        });
    };
    if rows < cols || cols == 0 || !row_major {
        return Err(FisherError::Shape {
            what,
            expected: "row-major augmented system [A | b] with rows ≥ cols(A) ≥ 1".into(),
            found: format!("{rows} × {width} (row-major: {row_major})"),
        });
    }
    if !array_all_finite(augmented) {
        return Err(FisherError::NonFinite { what });
    }
    let layout = MatrixLayout::C {
        row: rows_i32,
        lda: width_i32,
    };
    let memory = augmented.as_slice_mut().ok_or_else(|| FisherError::Shape {
        what,
        expected: "contiguous row-major storage".into(),
        found: "a strided array".into(),
    })?;
    f64::householder(layout, memory).map_err(|e| FisherError::lapack("QR", e.into()))
}

/// `y ← Qᵀ y` for the `Q` of `A` (the first `n` reflectors) of a factored augmented matrix, with
/// the scalars `tau` returned by [`factor_augmented_in_place`]; `y` has length `m`. Cost `4mn`
/// flops, reading the stored vectors column by column (at m = 2500, n = 1000 about 5 % of the
/// factorization's time).
///
/// LAPACK `gelqf` factors the row-major storage as the column-major `Aᵀ = L Q_lq`, so
/// `A = Q_lqᵀ R` with `R = Lᵀ` and `Qᵀ = Q_lq = H_n ⋯ H_1`, `H_i = I − τ_i v_i v_iᵀ`,
/// `v_i = (0, …, 0, 1, A_{i+1,i}, …, A_{m,i})` stored below the diagonal of column `i`.
pub(crate) fn apply_q_transposed(factored: &Array2<f64>, tau: &[f64], y: &mut Array1<f64>) {
    let (rows, width) = factored.dim();
    for (i, &tau_i) in tau.iter().enumerate().take((width - 1).min(rows)) {
        let below = factored.slice(s![i + 1..rows, i]);
        let dot = y[i]
            + below
                .iter()
                .zip(y.slice(s![i + 1..]))
                .map(|(v, yj)| v * yj)
                .sum::<f64>();
        let scaled = tau_i * dot;
        y[i] -= scaled;
        y.slice_mut(s![i + 1..])
            .zip_mut_with(&below, |yj, &v| *yj -= scaled * v);
    }
}

/// The pivots `|R_ii|` of a factored augmented matrix.
pub(crate) fn pivots(factored: &Array2<f64>) -> Vec<f64> {
    let cols = factored.ncols() - 1;
    (0..cols).map(|i| factored[[i, i]].abs()).collect()
}

/// Back substitution `R x = y` along contiguous rows of the `R` stored in a factored augmented
/// matrix (`y` has length `n`, the number of columns of `A`).
pub(crate) fn solve_upper(factored: &Array2<f64>, y: ArrayView1<'_, f64>) -> Array1<f64> {
    let cols = factored.ncols() - 1;
    let mut x = Array1::<f64>::zeros(cols);
    for i in (0..cols).rev() {
        let row = factored.row(i);
        let tail: f64 = row
            .slice(s![i + 1..cols])
            .iter()
            .zip(x.slice(s![i + 1..]))
            .map(|(r, xj)| r * xj)
            .sum();
        x[i] = (y[i] - tail) / row[i];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::Cutoff;
    use crate::linalg::lstsq_full_column_rank;
    use ndarray::{Array2, Axis, array, concatenate};

    #[test]
    fn reflectors_give_qt_b_and_r_solves() {
        let a = array![
            [2.0, 1.0, 0.5],
            [0.0, 1.0, -1.0],
            [3.0, 0.0, 1.0],
            [1.0, 1.0, 1.0]
        ];
        let b = array![1.0, 2.0, -1.0, 0.5];
        let mut factored = augment(&a, &b);
        let tau = factor_augmented_in_place(&mut factored, "A").unwrap();
        // Qᵀ b, applied from the reflectors, matches the last column the factorization left.
        let mut qtb = b.clone();
        apply_q_transposed(&factored, &tau, &mut qtb);
        for i in 0..3 {
            assert!((qtb[i] - factored[[i, 3]]).abs() <= 1e-14 * 4.0, "Qᵀb[{i}]");
        }
        let r = Array2::from_shape_fn((3, 3), |(i, j)| if j >= i { factored[[i, j]] } else { 0.0 });
        let y = array![1.0, -2.0, 0.25];
        let x = solve_upper(&factored, y.view());
        let scale = 1e-14 * (1.0 + x.iter().fold(0.0_f64, |m, v| m.max(v.abs())));
        assert!((&r.dot(&x) - &y).iter().all(|e| e.abs() <= scale));
    }

    /// Solves `min ‖A x − b‖` given the row-major augmented matrix `[A | b]` (`m × (n + 1)`,
    /// `m ≥ n ≥ 1`), which is overwritten by its factorization.
    ///
    /// Errors with [`FisherError::Singular`] (naming `what`) when `A` is numerically rank
    /// deficient, [`FisherError::NonFinite`] on a non-finite entry, [`FisherError::Shape`] on a bad
    /// shape or a matrix that is not row-major and contiguous.
    fn lstsq_augmented_in_place(
        augmented: &mut Array2<f64>,
        cutoff: Cutoff,
        what: &'static str,
    ) -> Result<Array1<f64>, FisherError> {
        factor_augmented_in_place(augmented, what)?;
        let cols = augmented.ncols() - 1;
        cutoff.require_full_rank(&pivots(augmented), (augmented.nrows(), cols), what)?;
        Ok(solve_upper(augmented, augmented.column(cols)))
    }

    fn augment(a: &Array2<f64>, b: &Array1<f64>) -> Array2<f64> {
        concatenate![Axis(1), a.view(), b.view().insert_axis(Axis(1))]
            .as_standard_layout()
            .into_owned()
    }

    #[test]
    fn fits_a_line_and_matches_the_explicit_q_solver() {
        // Points (0, 1), (1, 3), (2, 5) lie on y = 1 + 2x exactly.
        let a = array![[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]];
        let b = array![1.0, 3.0, 5.0];
        let x = lstsq_augmented_in_place(&mut augment(&a, &b), Cutoff::default(), "A").unwrap();
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 2.0).abs() < 1e-14);
        // A noisy square and a tall system against the Q-forming solver (same method).
        for (rows, cols) in [(4, 4), (9, 5), (40, 17)] {
            let a = Array2::from_shape_fn((rows, cols), |(i, j)| {
                ((i * 7 + j * 3) % 11) as f64 - 5.0 + if i == j { 10.0 } else { 0.0 }
            });
            let b = Array1::from_shape_fn(rows, |i| (i as f64).sin());
            let x = lstsq_augmented_in_place(&mut augment(&a, &b), Cutoff::default(), "A").unwrap();
            let reference =
                lstsq_full_column_rank(a.view(), b.view(), Cutoff::default(), "A").unwrap();
            let scale = reference.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let diff = (&x - &reference)
                .iter()
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            assert!(
                diff <= 1e-12 * scale,
                "{rows} × {cols}: difference {diff:e}"
            );
        }
    }

    #[test]
    fn rank_deficient_and_bad_shapes_are_errors() {
        let a = array![[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]];
        let b = array![1.0, 1.0, 1.0];
        let r = lstsq_augmented_in_place(&mut augment(&a, &b), Cutoff::default(), "A");
        assert!(matches!(r, Err(FisherError::Singular { .. })));
        let mut wide = Array2::<f64>::zeros((2, 4));
        let r = lstsq_augmented_in_place(&mut wide, Cutoff::default(), "A");
        assert!(matches!(r, Err(FisherError::Shape { .. })));
        let mut bad = augment(&a, &b);
        bad[[0, 2]] = f64::NAN;
        let r = lstsq_augmented_in_place(&mut bad, Cutoff::default(), "A");
        assert!(matches!(r, Err(FisherError::NonFinite { .. })));
    }
}
