//! The factorization rules (observed-entry loss and gradient, LU layer split) against one dense
//! reference step: `β = W_1 ⋯ W_L`, `G = mask ⊙ (β − M)`, `∇_{W_i} = A_iᵀ G B_iᵀ`, and the
//! layer split `(1/L) pinv(A_i) G pinv(B_i)` with SVD pseudo-inverses.
//!
//! Tolerances: the factors `I + 0.3·N(0,1)` are well conditioned (κ of the partial products
//! below about 10), so the two summation orders agree to `O(D L κ² ε)`; the bound used is
//! `1e3 · D · L · ε` relative to the step (about 1e-12 here).

mod common;

use common::{gaussian, random_mask};
use ndarray::Array2;
use ngd_fisher::Cutoff;
use ngd_fisher::factorization::NaturalDirection;
use ngd_fisher::linalg::{InverseRoute, pinv};
use ngd_models::MatrixFactorization;
use ngd_models::factorization::{prefix_products, product, pull_back, suffix_products};
use ngd_models::squared_loss::value_and_gradient;
use ngd_optim::*;

fn max_abs(a: &Array2<f64>) -> f64 {
    a.iter().fold(0.0_f64, |m, x| m.max(x.abs()))
}

/// `(problem, factors, dense G, dense loss)` for depth `l`, size `d`.
fn setup(l: usize, d: usize) -> (CompletionProblem, Vec<Array2<f64>>, Array2<f64>, f64) {
    let target = gaussian(100 + l as u64, d, d);
    let mask = random_mask(200 + l as u64, d, d, d * d / 2);
    let factors: Vec<Array2<f64>> = (0..l)
        .map(|k| Array2::eye(d) + gaussian(300 + k as u64, d, d) * 0.3 / (d as f64).sqrt())
        .collect();
    let beta = product(&factors);
    let mut g = Array2::zeros((d, d));
    let loss = value_and_gradient(beta.view(), target.view(), mask.view(), g.view_mut()).unwrap();
    let problem = CompletionProblem::new(target, mask).unwrap();
    (problem, factors, g, loss)
}

/// Compares `moved` with `start − η · reference` relative to the step; returns the error ratio.
fn step_error(
    start: &[Array2<f64>],
    moved: &[Array2<f64>],
    eta: f64,
    reference: &[Array2<f64>],
) -> f64 {
    let scale = reference.iter().map(max_abs).fold(0.0, f64::max) * eta;
    start
        .iter()
        .zip(moved)
        .zip(reference)
        .map(|((w, m), r)| max_abs(&(&(w - &(r * eta)) - m)))
        .fold(0.0, f64::max)
        / scale
}

#[test]
fn egd_step_matches_the_dense_step() {
    let d = 6;
    for l in 1..=4 {
        let (problem, factors, g, loss) = setup(l, d);
        let reference = pull_back(&factors, g.view());
        let eta = 0.05;
        let mut rule = FactorizationEgd::new(FactorizationStep::Fixed(eta)).unwrap();
        let mut model = MatrixFactorization::new(factors.clone()).unwrap();
        let report = rule.step(&mut model, &problem).unwrap();
        let tol = 1e3 * (d * l) as f64 * f64::EPSILON;
        assert!((report.loss - loss).abs() <= tol * loss, "L = {l}: loss");
        let norm = reference
            .iter()
            .flatten()
            .map(|x| x * x)
            .sum::<f64>()
            .sqrt();
        assert!(
            (report.gradient_norm - norm).abs() <= tol * norm,
            "L = {l}: norm"
        );
        let err = step_error(&factors, model.factors(), eta, &reference);
        assert!(err <= tol, "L = {l}: step error {err:e}");
    }
}

#[test]
fn layer_split_step_matches_the_dense_pinv_step_and_reports_lu() {
    let d = 6;
    for l in 1..=4 {
        let (problem, factors, g, _) = setup(l, d);
        let (a, b) = (prefix_products(&factors), suffix_products(&factors));
        let cutoff = Cutoff::default();
        let reference: Vec<Array2<f64>> = (0..l)
            .map(|i| {
                let mut share = &g / l as f64;
                if i > 0 {
                    share = pinv(a[i].view(), cutoff).unwrap().matrix.dot(&share);
                }
                if i + 1 < l {
                    share = share.dot(&pinv(b[i].view(), cutoff).unwrap().matrix);
                }
                share
            })
            .collect();
        let eta = 0.01;
        let mut rule = FactorizationNgd::new(eta, NaturalDirection::LayerSplit(cutoff)).unwrap();
        let mut model = MatrixFactorization::new(factors.clone()).unwrap();
        let report = rule.step(&mut model, &problem).unwrap();
        assert_eq!(report.info, Some("layer-split (lu)"));
        let routes = rule.last_inverse_routes();
        assert_eq!(routes.len(), l);
        assert_eq!(routes[0][0], InverseRoute::Identity);
        assert_eq!(routes[l - 1][1], InverseRoute::Identity);
        assert!(routes.iter().flatten().all(|r| *r != InverseRoute::Svd));
        let err = step_error(&factors, model.factors(), eta, &reference);
        let tol = 1e3 * (d * l) as f64 * f64::EPSILON;
        assert!(err <= tol, "L = {l}: step error {err:e}");
    }
}

#[test]
fn singular_partial_product_reports_the_svd_fallback() {
    let d = 5;
    let (problem, mut factors, _, _) = setup(2, d);
    factors[0].row_mut(0).fill(0.0);
    let mut rule =
        FactorizationNgd::new(1e-3, NaturalDirection::LayerSplit(Cutoff::default())).unwrap();
    let mut model = MatrixFactorization::new(factors).unwrap();
    let report = rule.step(&mut model, &problem).unwrap();
    assert_eq!(report.info, Some("layer-split (svd fallback)"));
    assert_eq!(rule.last_inverse_routes()[1][0], InverseRoute::Svd);
    assert_eq!(rule.last_solve().unwrap().factor_ranks[1][0], d - 1);
}
