//! The natural gradient of a diagonal network by the fast structured routes, checked against
//! the dense brute force `pinv(F(w)) ∇_w` (`F(w) = Jᵀ F(β) J`, the paper's §2.1 / App. B).
//!
//! For `N < D`, `N = D` and `N > D` and depths `L = 1, 2, 3`: random Gaussian inputs `X`,
//! random labels `y`, random weights away from zero. The labelled entry point
//! (`SignedData::from_labels` + `diag_natural_gradient_of`) picks the route (`Kernel` for
//! `N ≤ D`, `Weighted` for `N > D`); the minimum-norm SVD route is forced as a second
//! structured answer. Each is compared with the dense reference built by hand from
//! `X̃ = diag(y) X`, margins and cofactors. Tolerance: `100 · κ(X̃)⁴ · max(N, LD) · ε` — the
//! dense route forms `F(w)`, squaring the data's condition number twice. Exits non-zero with a
//! message if any relative error exceeds it.
//!
//! Run: `cargo run --release -p ngd-fisher --example diagonal_vs_dense`.

use ndarray::{Array1, Array2, Axis};
use ndarray_linalg::SVD;
use ngd_fisher::diagonal::dense_natural_gradient;
use ngd_fisher::{Cutoff, DiagOptions, Route, RouteChoice, SignedData, diag_natural_gradient_of};
use ngd_models::DiagonalNet;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::process::ExitCode;

fn relative_error(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    let diff = (a - b).iter().map(|v| v * v).sum::<f64>().sqrt();
    diff / b.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn condition_number(x: &Array2<f64>) -> Result<f64, String> {
    let (_, sigma, _) = x.svd(false, false).map_err(|e| e.to_string())?;
    let max = sigma.iter().copied().fold(0.0, f64::max);
    let min = sigma.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(max / min)
}

fn check(n: usize, d: usize, depth: usize, rng: &mut impl Rng) -> Result<(), String> {
    let x = Array2::from_shape_simple_fn((n, d), || rng.sample::<f64, _>(StandardNormal));
    let y = Array1::from_shape_simple_fn(n, || if rng.random::<bool>() { 1.0 } else { -1.0 });
    let weights = Array2::from_shape_simple_fn((depth, d), || {
        let magnitude = 0.5 + 0.5 * rng.random::<f64>();
        if rng.random::<bool>() {
            magnitude
        } else {
            -magnitude
        }
    });
    let net = DiagonalNet::new(weights).map_err(|e| e.to_string())?;

    // The structured routes, from (net, X, y) alone.
    let data = SignedData::from_labels(x.view(), y.view()).map_err(|e| e.to_string())?;
    let auto = diag_natural_gradient_of(&net, &data, &DiagOptions::default())
        .map_err(|e| e.to_string())?;
    let min_norm_options = DiagOptions {
        route: RouteChoice::Force(Route::MinNorm),
        ..DiagOptions::default()
    };
    let min_norm =
        diag_natural_gradient_of(&net, &data, &min_norm_options).map_err(|e| e.to_string())?;

    // The dense brute force, from hand-built X̃ = diag(y) X, margins u = X̃β and cofactors.
    let x_signed = &x * &y.view().insert_axis(Axis(1));
    let margins = x_signed.dot(&net.beta());
    let (dense, rank) = dense_natural_gradient(
        x_signed.view(),
        margins.view(),
        net.cofactors().view(),
        Cutoff::default(),
    )
    .map_err(|e| e.to_string())?;

    let kappa = condition_number(&x_signed)?;
    let tolerance = 100.0 * kappa.powi(4) * n.max(depth * d) as f64 * f64::EPSILON;
    let auto_err = relative_error(&auto.direction, &dense);
    let min_norm_err = relative_error(&min_norm.direction, &dense);
    println!(
        "N = {n:2}, D = {d:2}, L = {depth}: rank F(w) = {rank:2}, κ(X̃) = {kappa:7.2}, \
         {:?} {auto_err:.1e}, MinNorm {min_norm_err:.1e} (tolerance {tolerance:.1e})",
        auto.route
    );
    if rank != n.min(d) {
        return Err(format!(
            "rank of F(w) is {rank}, expected min(N, D) = {}",
            n.min(d)
        ));
    }
    if auto_err > tolerance || min_norm_err > tolerance {
        return Err(format!(
            "N = {n}, D = {d}, L = {depth}: relative errors {auto_err:.2e} ({:?}) and {min_norm_err:.2e} (MinNorm) vs tolerance {tolerance:.2e}",
            auto.route
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    for (n, d) in [(5, 9), (7, 7), (12, 6)] {
        for depth in 1..=3 {
            if let Err(message) = check(n, d, depth, &mut rng) {
                eprintln!("diagonal_vs_dense: check failed: {message}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("ok: the structured natural gradients match the dense brute force");
    ExitCode::SUCCESS
}
