//! Shared helpers for the integration tests: seeded random problems and error measures.
#![allow(dead_code)]

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded generator.
pub fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// An `r × c` matrix of independent standard normals.
pub fn randn<R: Rng>(rng: &mut R, r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((r, c), || rng.sample(StandardNormal))
}

/// Weights bounded away from zero: `±(0.5 + U(0, 1))`, `L × D`.
pub fn weights<R: Rng>(rng: &mut R, l: usize, d: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((l, d), || {
        let m: f64 = 0.5 + rng.random::<f64>();
        if rng.random::<bool>() { m } else { -m }
    })
}

/// `β = w_1 ⊙ … ⊙ w_L`.
pub fn beta(weights: ArrayView2<'_, f64>) -> Array1<f64> {
    weights.map_axis(Axis(0), |col| col.iter().product())
}

/// An `r × c` matrix `U diag(σ) Vᵀ` with random orthonormal `U`, `V` (QR of Gaussian matrices)
/// and singular values `σ` uniform in `[1, 3]`: condition number at most 3. The dense
/// brute-force references square the condition number (twice for `F(w)`), so well-conditioned
/// data keeps the reference itself accurate to about 1e-13.
pub fn well_conditioned<R: Rng>(rng: &mut R, r: usize, c: usize) -> Array2<f64> {
    use ndarray_linalg::QR;
    let k = r.min(c);
    let (u, _) = randn(rng, r, k).qr().unwrap();
    let (v, _) = randn(rng, c, k).qr().unwrap();
    let sigma: Array1<f64> = Array1::from_shape_simple_fn(k, || 1.0 + 2.0 * rng.random::<f64>());
    (&u * &sigma.view().insert_axis(Axis(0))).dot(&v.t())
}

/// A random diagonal-network problem: `(X̃, weights, β, margins)` with `X̃ = diag(y) X`,
/// `X` from [`well_conditioned`], margins rescaled to have largest magnitude `margin_scale`.
pub fn diag_problem(
    seed: u64,
    n: usize,
    d: usize,
    l: usize,
    margin_scale: f64,
) -> (Array2<f64>, Array2<f64>, Array1<f64>, Array1<f64>) {
    let mut r = rng(seed);
    let x = well_conditioned(&mut r, n, d);
    let y: Array1<f64> =
        Array1::from_shape_simple_fn(n, || if r.random::<bool>() { 1.0 } else { -1.0 });
    let x_signed = &x * &y.view().insert_axis(Axis(1));
    let mut w = weights(&mut r, l, d);
    let b = beta(w.view());
    let u = x_signed.dot(&b);
    let max = u.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    // Rescale the first layer so that max |u| = margin_scale.
    let factor = margin_scale / max;
    w.row_mut(0).mapv_inplace(|x| x * factor);
    let b = beta(w.view());
    let u = x_signed.dot(&b);
    (x_signed, w, b, u)
}

/// Cofactors of an `L × D` weight matrix.
pub fn cofactors(weights: &Array2<f64>) -> Array2<f64> {
    ngd_models::DiagonalNet::new(weights.clone())
        .unwrap()
        .cofactors()
}

/// `‖a − b‖_F / ‖b‖_F` (absolute if `b = 0`).
pub fn rel_err(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> f64 {
    let diff: f64 = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    let norm: f64 = b.iter().map(|y| y * y).sum::<f64>().sqrt();
    if norm == 0.0 { diff } else { diff / norm }
}

/// `‖a − b‖ / ‖b‖` for vectors.
pub fn rel_err1(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    rel_err(a.insert_axis(Axis(0)), b.insert_axis(Axis(0)))
}

/// Random factors `I + scale · randn / √D` (well conditioned for small `scale`).
pub fn factors(seed: u64, d: usize, l: usize, scale: f64) -> Vec<Array2<f64>> {
    let mut r = rng(seed);
    (0..l)
        .map(|_| Array2::eye(d) + randn(&mut r, d, d) * (scale / (d as f64).sqrt()))
        .collect()
}

/// `Σ_i A_i G_i B_i`, the first-order β-change of per-layer factorization directions `G_i`.
pub fn beta_change(ws: &[Array2<f64>], gs: &[Array2<f64>]) -> Array2<f64> {
    let a = ngd_models::factorization::prefix_products(ws);
    let b = ngd_models::factorization::suffix_products(ws);
    let mut out = Array2::zeros(gs[0].raw_dim());
    for ((a, b), g) in a.iter().zip(&b).zip(gs) {
        out += &a.dot(g).dot(b);
    }
    out
}
