//! Shared test data: seeded separable classification sets and low-rank completion problems.
#![allow(dead_code)]

use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// `N` Gaussian points in `D` dimensions labelled by `sign(x·β*)`, keeping only points with
/// normalized margin `|x·β*| / ‖β*‖ ≥ margin`; returns `X̃ = diag(y) X`.
pub fn separable(seed: u64, n: usize, beta_star: &Array1<f64>, margin: f64) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let d = beta_star.len();
    let norm = beta_star.dot(beta_star).sqrt();
    let mut xt = Array2::zeros((n, d));
    let mut filled = 0;
    while filled < n {
        let x: Array1<f64> = (0..d).map(|_| StandardNormal.sample(&mut rng)).collect();
        let u = x.dot(beta_star) / norm;
        if u.abs() >= margin {
            xt.row_mut(filled).assign(&(&x * u.signum()));
            filled += 1;
        }
    }
    xt
}

/// Standard Gaussian matrix.
pub fn gaussian(seed: u64, rows: usize, cols: usize) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    Array2::from_shape_fn((rows, cols), |_| StandardNormal.sample(&mut rng))
}

/// Cosine of the angle between two vectors.
pub fn cosine(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    a.dot(b) / (a.dot(a).sqrt() * b.dot(b).sqrt())
}

/// A uniformly random mask with exactly `observed` ones.
pub fn random_mask(seed: u64, rows: usize, cols: usize, observed: usize) -> Array2<f64> {
    use rand::seq::SliceRandom;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut cells: Vec<usize> = (0..rows * cols).collect();
    cells.shuffle(&mut rng);
    let mut mask = Array2::zeros((rows, cols));
    for &c in &cells[..observed] {
        mask[[c / cols, c % cols]] = 1.0;
    }
    mask
}
