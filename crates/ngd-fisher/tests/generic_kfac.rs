//! K-FAC for the full-matrix deep linear net `s = W_L ⋯ W_1 x` against its dense Kronecker
//! definition (heuristic and exact damping), at points where the per-sample weights
//! `φ(u)φ(−u)` differ strongly (there K-FAC is *not* the exact block), and the known answer
//! that with equal weights (squared loss) exact-damped K-FAC is the damped block-diagonal Fisher.

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::linalg::kron;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};
use ngd_fisher::generic::{
    Curvature, Damping, Inversion, KfacDamping, Samples, block_natural_gradient, dense_curvature,
    flatten_weights, kfac_deep_linear, unflatten_weights,
};
use ngd_fisher::linalg::{Cutoff, spd_solve};
use ngd_models::logistic::fisher_weight;
use ngd_models::{ModelError, Network, OutputLoss};

/// The deep linear net as a [`Network`], written inline: widths `[D, h_1, …, 1]`.
struct DeepLinear(Vec<usize>);

impl DeepLinear {
    fn weights(&self, w: ArrayView1<'_, f64>) -> Vec<Array2<f64>> {
        unflatten_weights(w, &self.0).unwrap()
    }
}

impl Network for DeepLinear {
    fn param_count(&self) -> usize {
        self.0.windows(2).map(|p| p[0] * p[1]).sum()
    }
    fn input_dim(&self) -> usize {
        self.0[0]
    }
    fn outputs(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        let mut a = x.to_owned();
        for wl in self.weights(w) {
            a = a.dot(&wl.t());
        }
        Ok(a.column(0).to_owned())
    }
    fn jacobian(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, ModelError> {
        // Row n, layer l: b_l ⊗ a_{l−1,n} (row-major vec of b aᵀ).
        let weights = self.weights(w);
        let mut j = Array2::zeros((x.nrows(), self.param_count()));
        let mut a = x.to_owned();
        let mut offset = 0;
        for (l, wl) in weights.iter().enumerate() {
            let mut b = Array1::ones(1);
            for later in weights[l + 1..].iter().rev() {
                b = later.t().dot(&b);
            }
            for n in 0..x.nrows() {
                let row = kron(
                    &b.view().insert_axis(ndarray::Axis(0)),
                    &a.row(n).insert_axis(ndarray::Axis(0)),
                );
                j.slice_mut(s![n, offset..offset + row.len()])
                    .assign(&row.row(0));
            }
            offset += wl.len();
            a = a.dot(&wl.t());
        }
        Ok(j)
    }
    products_through_jacobian!();
    fn layers(&self) -> Vec<std::ops::Range<usize>> {
        let mut start = 0;
        self.0
            .windows(2)
            .map(|p| {
                let r = start..start + p[0] * p[1];
                start = r.end;
                r
            })
            .collect()
    }
}

/// A problem whose margins spread over about ±`spread` (weights `φ(u)φ(−u)` from 1/4 to about
/// `e^{−spread}`).
fn problem(
    seed: u64,
    widths: &[usize],
    n: usize,
    spread: f64,
) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let net = DeepLinear(widths.to_vec());
    let mut r = rng(seed);
    let x = randn(&mut r, n, widths[0]);
    let mut w = randn_vec(&mut r, net.param_count());
    let y = labels(&mut r, n);
    let s = net.outputs(w.view(), x.view()).unwrap();
    let top = s.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    // Scale the last layer so that max |s| = spread.
    let last = net.layers().pop().unwrap();
    w.slice_mut(s![last]).mapv_inplace(|v| v * spread / top);
    (x, y, w)
}

/// The dense K-FAC solution per layer: `(G ⊗ A + λI)⁻¹ ∇` or the heuristic product.
fn dense_kfac(
    widths: &[usize],
    x: &Array2<f64>,
    y: &Array1<f64>,
    w: &Array1<f64>,
    damping: KfacDamping,
) -> Array1<f64> {
    let net = DeepLinear(widths.to_vec());
    let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
    let (_, gradient) = dense_curvature(&net, w.view(), &samples, Curvature::Fisher).unwrap();
    let s = net.outputs(w.view(), x.view()).unwrap();
    let weight_sum: f64 = s
        .iter()
        .zip(y)
        .map(|(s, y)| fisher_weight(s * y))
        .sum::<f64>()
        / x.nrows() as f64;
    let weights = unflatten_weights(w.view(), widths).unwrap();
    let mut out = Vec::new();
    let mut a = x.clone();
    for (l, (wl, range)) in weights.iter().zip(net.layers()).enumerate() {
        let mut b = Array1::ones(1);
        for later in weights[l + 1..].iter().rev() {
            b = later.t().dot(&b);
        }
        let big_a = a.t().dot(&a) / x.nrows() as f64;
        let big_g = kron(
            &b.view().insert_axis(ndarray::Axis(1)),
            &b.view().insert_axis(ndarray::Axis(0)),
        ) * weight_sum;
        let identity = |k: usize| Array2::<f64>::eye(k);
        let m = match damping {
            KfacDamping::Exact(lambda) => kron(&big_g, &big_a) + identity(wl.len()) * lambda,
            KfacDamping::Heuristic(lambda) => {
                let ta = big_a.diag().sum() / big_a.nrows() as f64;
                let tg = big_g.diag().sum() / big_g.nrows() as f64;
                let pi = (ta / tg).sqrt();
                kron(
                    &(&big_g + &(identity(big_g.nrows()) * (lambda.sqrt() / pi))),
                    &(&big_a + &(identity(big_a.nrows()) * (pi * lambda.sqrt()))),
                )
            }
        };
        let rhs = gradient.slice(s![range]).to_owned();
        out.extend(
            spd_solve(
                m.view(),
                rhs.view(),
                Cutoff::relative(0.0).unwrap(),
                "dense K-FAC",
            )
            .unwrap(),
        );
        a = a.dot(&wl.t());
    }
    Array1::from(out)
}

/// Exact-damped K-FAC and the damped block-diagonal Fisher, both with `λ`.
fn kfac_and_block(
    net: &DeepLinear,
    w: &Array1<f64>,
    weights: &[Array2<f64>],
    samples: &Samples<'_>,
    lambda: f64,
) -> (
    ngd_fisher::generic::Kfac,
    ngd_fisher::generic::GenericNaturalGradient,
) {
    let kfac = kfac_deep_linear(weights, samples, KfacDamping::Exact(lambda)).unwrap();
    let damped = Inversion::Damped(Damping::Absolute(lambda));
    let block = block_natural_gradient(net, w.view(), samples, Curvature::Fisher, damped).unwrap();
    (kfac, block)
}

#[test]
fn deep_linear_jacobian_matches_finite_differences() {
    let widths = [4, 3, 2, 1];
    let (x, _, w) = problem(1, &widths, 5, 2.0);
    assert!(jacobian_fd_error(&DeepLinear(widths.to_vec()), w.view(), x.view()) < 1e-7);
}

#[test]
fn kfac_matches_dense_kronecker_definition_with_unequal_weights() {
    for (seed, widths, n) in [
        (2, vec![4, 3, 1], 6),
        (3, vec![3, 4, 2, 1], 20),
        (4, vec![5, 1], 8),
    ] {
        let (x, y, w) = problem(seed, &widths, n, 8.0);
        let net = DeepLinear(widths.clone());
        let s = net.outputs(w.view(), x.view()).unwrap();
        let d: Vec<f64> = s
            .iter()
            .zip(&y)
            .map(|(s, y)| fisher_weight(s * y))
            .collect();
        let spread =
            d.iter().fold(0.0_f64, |m, &v| m.max(v)) / d.iter().fold(1.0_f64, |m, &v| m.min(v));
        assert!(
            spread > 100.0,
            "weights must differ strongly (ratio {spread})"
        );
        let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
        let weights = unflatten_weights(w.view(), &widths).unwrap();
        assert_eq!(flatten_weights(&weights), w);
        let (_, gradient) = dense_curvature(&net, w.view(), &samples, Curvature::Fisher).unwrap();
        for lambda in [1e-4, 1e-1, 10.0] {
            for damping in [KfacDamping::Exact(lambda), KfacDamping::Heuristic(lambda)] {
                let kfac = kfac_deep_linear(&weights, &samples, damping).unwrap();
                assert!(rel_err(kfac.gradient.view(), gradient.view()) < 1e2 * f64::EPSILON);
                let want = dense_kfac(&widths, &x, &y, &w, damping);
                let err = rel_err(kfac.direction.view(), want.view());
                // Condition of the damped factors is at most (‖G‖‖A‖ + λ)/λ; bound by that.
                let norm = kfac
                    .factors
                    .iter()
                    .map(|f| f.input.diag().sum() * f.output.diag().sum())
                    .fold(0.0, f64::max);
                let kappa = (norm + lambda) / lambda;
                assert!(
                    err <= 10.0 * kappa * f64::EPSILON,
                    "{widths:?} {damping:?}: {err:e}"
                );
            }
            // Unequal weights: K-FAC is not the exact damped block (the test is not vacuous).
            let (kfac, block) = kfac_and_block(&net, &w, &weights, &samples, lambda);
            assert!(rel_err(kfac.direction.view(), block.direction.view()) > 1e-3);
        }
    }
}

#[test]
fn kfac_with_equal_weights_is_the_damped_block_fisher() {
    // Squared loss: S = I, and b_l does not depend on the sample, so F_l = G_l ⊗ A_{l−1}.
    let widths = [4, 3, 2, 1];
    let (x, _, w) = problem(5, &widths, 7, 3.0);
    let t = randn_vec(&mut rng(6), 7);
    let samples = Samples::new(x.view(), t.view(), OutputLoss::Squared).unwrap();
    let net = DeepLinear(widths.to_vec());
    let weights = unflatten_weights(w.view(), &widths).unwrap();
    for lambda in [1e-3, 1.0] {
        let (kfac, block) = kfac_and_block(&net, &w, &weights, &samples, lambda);
        let err = rel_err(kfac.direction.view(), block.direction.view());
        assert!(
            err <= 10.0 * block.condition * f64::EPSILON,
            "λ={lambda}: {err:e}"
        );
    }
}

#[test]
fn kfac_rejects_bad_shapes_and_damping() {
    let x = randn(&mut rng(7), 3, 2);
    let y = Array1::from(vec![1.0, -1.0, 1.0]);
    let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
    let good = vec![Array2::ones((2, 2)), Array2::ones((1, 2))];
    assert!(kfac_deep_linear(&good, &samples, KfacDamping::Exact(0.0)).is_err());
    let bad = vec![Array2::ones((2, 3)), Array2::ones((1, 2))];
    assert!(kfac_deep_linear(&bad, &samples, KfacDamping::Exact(1.0)).is_err());
    let two_outputs = vec![Array2::ones((2, 2))];
    assert!(kfac_deep_linear(&two_outputs, &samples, KfacDamping::Exact(1.0)).is_err());
    assert!(unflatten_weights(Array1::zeros(5).view(), &[2, 2, 1]).is_err());
}
