//! Initializations of diagonal networks and deep matrix factorizations.
//!
//! Every random initialization draws i.i.d. normal values from the caller's generator in a
//! documented order, so one seed gives bit-identical weights.

use crate::{DiagonalNet, MatrixFactorization, ModelError, factorization};
use ndarray::Array2;
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

fn check_count(what: &'static str, value: usize) -> Result<(), ModelError> {
    if value == 0 {
        return Err(ModelError::Invalid {
            what,
            value: "0".into(),
            allowed: "must be at least 1",
        });
    }
    Ok(())
}

fn check_positive(what: &'static str, value: f64) -> Result<(), ModelError> {
    if !(value.is_finite() && value > 0.0) {
        return Err(ModelError::Invalid {
            what,
            value: value.to_string(),
            allowed: "must be finite and > 0",
        });
    }
    Ok(())
}

/// A `rows × cols` matrix of i.i.d. `N(0, std²)` draws (`std · z`), filled in row-major order.
fn gaussian<R: Rng + ?Sized>(rows: usize, cols: usize, std: f64, rng: &mut R) -> Array2<f64> {
    let mut data = Vec::with_capacity(rows * cols);
    for _ in 0..rows * cols {
        let z: f64 = rng.sample(StandardNormal);
        data.push(std * z);
    }
    Array2::from_shape_vec((rows, cols), data).expect("length equals rows · cols")
}

/// A diagonal network with i.i.d. `N(0, scale²)` weights, drawn layer by layer (`w_1` first),
/// each layer's entries in order.
///
/// # Errors
///
/// Returns an error unless `depth ≥ 1`, `dim ≥ 1` and `scale` is finite and positive.
pub fn gaussian_diagonal<R: Rng + ?Sized>(
    depth: usize,
    dim: usize,
    scale: f64,
    rng: &mut R,
) -> Result<DiagonalNet, ModelError> {
    check_count("depth", depth)?;
    check_count("dim", dim)?;
    check_positive("scale", scale)?;
    DiagonalNet::new(gaussian(depth, dim, scale, rng))
}

/// A diagonal network with every weight equal to `value` (so `β = value^L` in every entry).
///
/// # Errors
///
/// Returns an error unless `depth ≥ 1`, `dim ≥ 1` and `value` is finite.
pub fn constant_diagonal(depth: usize, dim: usize, value: f64) -> Result<DiagonalNet, ModelError> {
    check_count("depth", depth)?;
    check_count("dim", dim)?;
    if !value.is_finite() {
        return Err(ModelError::Invalid {
            what: "value",
            value: value.to_string(),
            allowed: "must be finite",
        });
    }
    DiagonalNet::new(Array2::from_elem((depth, dim), value))
}

/// Arora et al.'s (2019) Gaussian initialization of a depth-`L` factorization of `D × D`
/// matrices: i.i.d. entries with standard deviation `init_scale^{1/L} · D^{−1/2}`, so the
/// end-to-end product has Frobenius norm about `init_scale · √D`.
///
/// Draw order: `W_1` row-major, then `W_2`, ….
///
/// # Errors
///
/// Returns an error unless `depth ≥ 1`, `dim ≥ 1` and
/// `init_scale` is finite and positive.
pub fn gaussian_factorization<R: Rng + ?Sized>(
    depth: usize,
    dim: usize,
    init_scale: f64,
    rng: &mut R,
) -> Result<MatrixFactorization, ModelError> {
    collapsed_factorization(depth, dim, 1, init_scale, rng)
}

/// A depth-`L` factorization whose every factor is the product of `collapse` independent
/// Gaussian `D × D` matrices with per-entry standard deviation
/// `init_scale^{1/(L·collapse)} · D^{−1/2}`: at initialization the model is distributed like a
/// depth-`L·collapse` [`gaussian_factorization`] (the paper's Fig. 5, right panel).
/// `collapse = 1` is [`gaussian_factorization`] itself.
///
/// Draw order: the `collapse` matrices of `W_1` (each row-major, multiplied left to right), then
/// those of `W_2`, ….
///
/// # Errors
///
/// Returns an error unless `depth ≥ 1`, `dim ≥ 1`, `collapse ≥ 1` and `init_scale` is
/// finite and positive.
pub fn collapsed_factorization<R: Rng + ?Sized>(
    depth: usize,
    dim: usize,
    collapse: usize,
    init_scale: f64,
    rng: &mut R,
) -> Result<MatrixFactorization, ModelError> {
    check_count("depth", depth)?;
    check_count("dim", dim)?;
    check_count("collapse", collapse)?;
    check_positive("init_scale", init_scale)?;
    let effective_depth = (depth * collapse) as f64;
    let std = init_scale.powf(1.0 / effective_depth) / (dim as f64).sqrt();
    let factors = (0..depth)
        .map(|_| {
            let parts: Vec<Array2<f64>> = (0..collapse)
                .map(|_| gaussian(dim, dim, std, rng))
                .collect();
            factorization::product(&parts)
        })
        .collect();
    MatrixFactorization::new(factors)
}
