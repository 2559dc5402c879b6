//! Random invertible input transforms for the invariance theorems (the paper's Theorems 1
//! and 2: natural gradient descent on data `X Aᵀ` tracks the run on `X`).

use crate::{DataError, gaussian_matrix};
use ndarray::Array2;
use rand::{Rng, RngExt};

fn check_dim(d: usize) -> Result<(), DataError> {
    if d == 0 {
        return Err(DataError::Invalid {
            what: "dimension `d`",
            value: "0".into(),
            allowed: "must be at least 1",
        });
    }
    Ok(())
}

/// A random `d × d` matrix `A = I + E` with condition number at most 3.
///
/// `E = G / (2 ‖G‖_F)` with `G` i.i.d. standard Gaussian (drawn row-major, `d²` draws), so
/// `‖E‖₂ ≤ ‖E‖_F = 1/2`. By Weyl's inequality every singular value of `A` lies in
/// `[1 − 1/2, 1 + 1/2]`: `A` is invertible and `cond₂(A) ≤ 3`, with no SVD needed. (If `G`
/// were exactly zero, `A = I`.)
///
/// # Errors
///
/// [`DataError::Invalid`] if `d = 0`.
pub fn well_conditioned_matrix<R: Rng + ?Sized>(
    d: usize,
    rng: &mut R,
) -> Result<Array2<f64>, DataError> {
    check_dim(d)?;
    let g = gaussian_matrix(d, d, 1.0, rng)?;
    let norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    let scale = if norm > 0.0 { 0.5 / norm } else { 0.0 };
    let mut a = g * scale;
    for i in 0..d {
        a[[i, i]] += 1.0;
    }
    Ok(a)
}

/// A random diagonal `d × d` matrix with entries `2^u`, `u` uniform on `[−1, 1)` (log-uniform in
/// `[1/2, 2)`, `d` uniform draws), so its condition number is below 4.
///
/// # Errors
///
/// [`DataError::Invalid`] if `d = 0`.
pub fn diagonal_rescaling<R: Rng + ?Sized>(
    d: usize,
    rng: &mut R,
) -> Result<Array2<f64>, DataError> {
    check_dim(d)?;
    let mut a = Array2::zeros((d, d));
    for i in 0..d {
        let u: f64 = rng.random_range(-1.0..1.0);
        a[[i, i]] = u.exp2();
    }
    Ok(a)
}
