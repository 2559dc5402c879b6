//! The generic natural gradients on **every model `ngd-models` ships** (linear, diagonal net,
//! deep factorization, full-matrix deep linear net, two-layer tanh and ReLU nets) against the
//! dense brute force `pinv(Jᵀ S J) ∇` and `(Jᵀ S J + λI)⁻¹ ∇` formed from each model's own
//! Jacobian: `N` below, equal to and above the rank bound (`D` for models linear in the input,
//! `P` for networks), logistic and squared losses. Tolerance `C · κ · ε` relative, κ as reported
//! by the solver.

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::Array2;
use ngd_fisher::generic::{
    Curvature, Damping, GenericOptions, Samples, damped_natural_gradient,
    dense_damped_natural_gradient, dense_natural_gradient_generic, natural_gradient,
};
use ngd_fisher::linalg::Cutoff;
use ngd_models::{
    DeepLinearNet, DiagonalParametrization, FactorizationParametrization, LinearInInput,
    LinearModel, Network, OutputLoss, TwoLayerRelu, TwoLayerTanh,
};

/// The constant of the `C · κ · ε` bound (as in `generic_exact.rs`).
const C: f64 = 10.0;

/// Checks the exact and the damped routes of `net` on `n` samples of its input dimension.
fn check<N: Network>(name: &str, net: &N, n: usize, seed: u64) {
    let mut r = rng(seed);
    let d = net.input_dim();
    let x: Array2<f64> = randn(&mut r, n, d);
    let w = randn_vec(&mut r, net.param_count()) * 0.7;
    let cutoff = Cutoff::relative(1e-10).unwrap();
    for loss in [OutputLoss::Logistic, OutputLoss::Squared] {
        let t = match loss {
            OutputLoss::Logistic => labels(&mut r, n),
            OutputLoss::Squared => randn_vec(&mut r, n),
        };
        let samples = Samples::new(x.view(), t.view(), loss).unwrap();
        let options = GenericOptions {
            cutoff,
            ..Default::default()
        };
        let g = natural_gradient(net, w.view(), &samples, &options).unwrap();
        let reference =
            dense_natural_gradient_generic(net, w.view(), &samples, Curvature::Fisher, cutoff)
                .unwrap();
        let err = rel_err(g.direction.view(), reference.view());
        let bound = C * g.condition * f64::EPSILON;
        println!(
            "{name} N={n} D={d} P={} {loss:?}: {} rank {} κ {:.1e} err {err:.1e}",
            net.param_count(),
            g.route,
            g.rank,
            g.condition
        );
        assert!(err <= bound, "{name} N={n} {loss:?}: {err:e} > {bound:e}");

        let lambda = 1e-2;
        let damped = damped_natural_gradient(
            net,
            w.view(),
            &samples,
            Damping::Absolute(lambda),
            Curvature::Fisher,
        )
        .unwrap();
        let reference =
            dense_damped_natural_gradient(net, w.view(), &samples, Curvature::Fisher, lambda)
                .unwrap();
        let err = rel_err(damped.direction.view(), reference.view());
        // `F + λI` has condition at most (λ_max + λ)/λ.
        let kappa = (damped.largest_eigenvalue + lambda) / lambda;
        assert!(
            err <= C * kappa * f64::EPSILON * net.param_count() as f64,
            "{name} N={n} {loss:?} damped: {err:e} (κ {kappa:e})"
        );
    }
}

#[test]
fn every_shipped_model_matches_the_dense_brute_force() {
    let d = 6;
    // Models linear in the input: the rank bound is min(D, P) = D here.
    for (k, n) in [3, d, 2 * d].into_iter().enumerate() {
        let seed = 10 * k as u64;
        check(
            "linear",
            &LinearInInput(LinearModel::new(d).unwrap()),
            n,
            seed,
        );
        let diagonal = DiagonalParametrization::new(2, d).unwrap();
        check("diagonal L=2", &LinearInInput(diagonal), n, seed + 1);
        let deep = DeepLinearNet::new(d, &[4, 3]).unwrap();
        check("deep linear [4,3]", &LinearInInput(deep), n, seed + 2);
        // A 3×3 factorization scored on its 9 entries (inputs: rows of a Gaussian matrix).
        let factorization = FactorizationParametrization::new(2, 3).unwrap();
        check(
            "factorization L=2",
            &LinearInInput(factorization),
            n + 3,
            seed + 3,
        );
    }
    // Networks: the rank bound is P = H (D + 1).
    let tanh = TwoLayerTanh::new(3, 2).unwrap();
    let relu = TwoLayerRelu::new(3, 2).unwrap();
    let p = tanh.param_count();
    for (k, n) in [4, p, 2 * p].into_iter().enumerate() {
        check("tanh", &tanh, n, 100 + k as u64);
        check("relu", &relu, n, 200 + k as u64);
    }
}
