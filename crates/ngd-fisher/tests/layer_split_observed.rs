//! The layer split from the observed entries ([`LayerSplit`]: sparse `G`, LU inverses when safe)
//! against the dense reference `(1/L) pinv(A_i) G pinv(B_i)` (SVD pseudo-inverses, dense `G`),
//! including factors whose LU route is rejected and must fall back to the SVD.
//!
//! Tolerances: the two routes compute the same matrices in different orders; perturbations of
//! relative size `ε` in `A_i`, `B_i` and the products move `A_i⁺ G B_i⁺` by at most about
//! `κ(A_i) κ(B_i)` times as much (κ over the kept singular values), with `O(D L)` roundings:
//! the bound is `32 D L ε κ(A_i) κ(B_i)`. The model's factors are square, so there are no
//! rectangular cases.

mod common;

use common::{factors, randn, rel_err, rng, well_conditioned};
use ndarray::{Array1, Array2, Axis};
use ngd_fisher::Cutoff;
use ngd_fisher::factorization::{LayerSplit, layer_split};
use ngd_fisher::linalg::{InverseRoute, pinv, thin_svd};
use ngd_models::CompletionGradient;
use ngd_models::factorization::{prefix_products, suffix_products};
use rand::RngExt;

/// The kept-singular-value condition number of `a` under `cutoff`.
fn kept_condition(a: &Array2<f64>, cutoff: Cutoff) -> f64 {
    let svd = thin_svd(a.view()).unwrap();
    let rank = svd.rank(cutoff);
    svd.sigma[0] / svd.sigma[rank - 1]
}

/// Runs the observed layer split and checks it against the dense reference; returns the
/// routes and ranks and the worst error relative to its bound.
fn check(
    ws: &[Array2<f64>],
    target: &Array2<f64>,
    mask: &Array2<f64>,
    cutoff: Cutoff,
) -> (Vec<[InverseRoute; 2]>, Vec<[usize; 2]>, f64) {
    let (l, d) = (ws.len(), ws[0].nrows());
    let mut gradient = CompletionGradient::new();
    gradient.evaluate(ws, target.view(), mask.view()).unwrap();
    let mut g = Array2::zeros((d, d));
    gradient
        .observed()
        .residual_dense_into(g.view_mut())
        .unwrap();
    let mut split = LayerSplit::new();
    split.compute(ws, &gradient, cutoff).unwrap();
    let dense = layer_split(ws, g.view(), cutoff).unwrap();
    assert_eq!(dense.factor_ranks, split.factor_ranks());
    let (a, b) = (prefix_products(ws), suffix_products(ws));
    let mut worst = 0.0_f64;
    for i in 0..l {
        let mut reference = &g / l as f64;
        let mut bound = 32.0 * (d * l) as f64 * f64::EPSILON;
        if i > 0 {
            reference = pinv(a[i].view(), cutoff).unwrap().matrix.dot(&reference);
            bound *= kept_condition(&a[i], cutoff);
        }
        if i + 1 < l {
            reference = reference.dot(&pinv(b[i].view(), cutoff).unwrap().matrix);
            bound *= kept_condition(&b[i], cutoff);
        }
        let err = rel_err(split.direction(i), reference.view());
        let dense_err = rel_err(dense.directions[i].view(), reference.view());
        worst = worst.max(err / bound).max(dense_err / bound);
    }
    (
        split.routes().to_vec(),
        split.factor_ranks().to_vec(),
        worst,
    )
}

/// A random 0/1 mask with about 60% observed entries and a Gaussian target.
fn problem(seed: u64, d: usize) -> (Array2<f64>, Array2<f64>) {
    let mut r = rng(seed);
    let target = randn(&mut r, d, d);
    let mask = Array2::from_shape_simple_fn((d, d), || (r.random::<f64>() < 0.6) as u8 as f64);
    (target, mask)
}

#[test]
fn well_conditioned_factors_take_lu_and_match_the_dense_pinv() {
    let mut worst = 0.0_f64;
    for l in 1..=4 {
        for (seed, d) in [(1, 2), (2, 3), (3, 5), (4, 6)] {
            let ws = factors(seed * 10 + l as u64, d, l, 1.0);
            let (target, mask) = problem(seed + 50, d);
            let (routes, ranks, err) = check(&ws, &target, &mask, Cutoff::default());
            assert!(err <= 1.0, "L = {l}, D = {d}: error / bound = {err:e}");
            worst = worst.max(err);
            assert!(ranks.iter().all(|r| *r == [d, d]));
            for (i, r) in routes.iter().enumerate() {
                let left = if i == 0 {
                    InverseRoute::Identity
                } else {
                    InverseRoute::Lu
                };
                let right = if i + 1 == l {
                    InverseRoute::Identity
                } else {
                    InverseRoute::Lu
                };
                assert_eq!(*r, [left, right], "L = {l}, layer {i}");
            }
        }
    }
    eprintln!("worst error / bound, observed layer split vs dense pinv: {worst:.2e}");
}

/// `U diag(σ) Vᵀ` (5 × 5) with random orthonormal `U`, `V`.
fn with_singular_values(seed: u64, sigma: [f64; 5]) -> Array2<f64> {
    use ndarray_linalg::QR;
    let mut r = rng(seed);
    let (u, _) = randn(&mut r, 5, 5).qr().unwrap();
    let (v, _) = randn(&mut r, 5, 5).qr().unwrap();
    let s = Array1::from(sigma.to_vec());
    (&u * &s.view().insert_axis(Axis(0))).dot(&v.t())
}

#[test]
fn ill_conditioned_factors_fall_back_to_the_svd_and_match_the_dense_pinv() {
    let (target, mask) = problem(70, 5);
    // rcond = 1e-6: σ_min = 2e-6 (κ = 5e5) is kept by the SVD, but 4 κ rcond = 2 > 1 rejects
    // the LU; σ_min = 1e-8 is cut (rank 4). Both fall back, and match the reference.
    let cutoff = Cutoff::relative(1e-6).unwrap();
    for (sigma_min, rank) in [(2e-6, 5), (1e-8, 4)] {
        let w0 = with_singular_values(71, [1.0, 0.5, 0.3, 0.2, sigma_min]);
        let w1 = well_conditioned(&mut rng(72), 5, 5);
        // L = 2: A_2 = W_1 (the last layer, inverted transposed), B_1 = W_2.
        let ws = vec![w0.clone(), w1.clone()];
        let (routes, ranks, err) = check(&ws, &target, &mask, cutoff);
        assert!(err <= 1.0, "σ_min {sigma_min}: error / bound = {err:e}");
        assert_eq!(routes[1], [InverseRoute::Svd, InverseRoute::Identity]);
        assert_eq!(routes[0], [InverseRoute::Identity, InverseRoute::Lu]);
        assert_eq!(ranks[1][0], rank);
        // L = 3 with the bad factor first: A_2 = W_1 falls back, the B_i (without it) take LU;
        // A_3 = W_1 W_2 is whatever its own condition says, as long as it matches the reference.
        let ws = vec![w0.clone(), w1.clone(), well_conditioned(&mut rng(73), 5, 5)];
        let (routes, ranks, err) = check(&ws, &target, &mask, cutoff);
        assert!(
            err <= 1.0,
            "L = 3, σ_min {sigma_min}: error / bound = {err:e}"
        );
        assert_eq!(routes[0], [InverseRoute::Identity, InverseRoute::Lu]);
        assert_eq!(routes[1], [InverseRoute::Svd, InverseRoute::Lu]);
        assert_eq!(ranks[1][0], rank);
    }
    // Default cut-off, an exactly singular factor (a zero row): getrf fails, the SVD gives rank 4.
    let mut w0 = well_conditioned(&mut rng(74), 5, 5);
    w0.row_mut(4).fill(0.0);
    let ws = vec![w0, well_conditioned(&mut rng(75), 5, 5)];
    let (routes, ranks, err) = check(&ws, &target, &mask, Cutoff::default());
    assert!(err <= 1.0, "singular factor: error / bound = {err:e}");
    assert_eq!(routes[1][0], InverseRoute::Svd);
    assert_eq!(ranks[1][0], 4);
}
