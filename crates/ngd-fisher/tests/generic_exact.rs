//! The generic Moore–Penrose routes against the dense brute force `pinv(Jᵀ S J) ∇` on small
//! problems: networks with N < P, N = P, N > P and parametrizations with N < D, N = D, N > D
//! (and P < D), logistic and squared losses. Tolerance `C · κ · ε` relative, κ as reported by
//! the solver: both the route and the brute force (which forms `F`) lose about `κ ε`.

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::{Array1, Array2};
use ngd_fisher::generic::{
    Curvature, ExactRoute, GenericOptions, Samples, dense_natural_gradient_generic,
    natural_gradient, natural_gradient_parametrization,
};
use ngd_fisher::linalg::Cutoff;
use ngd_models::{LinearInInput, OutputLoss};

/// The constant of the `C · κ · ε` bound (the worst observed ratio `err / (κ ε)` was 0.48).
const C: f64 = 10.0;

/// A cut-off that keeps the legitimate spectrum of these well-conditioned problems and cuts the
/// round-off of the brute force's formed `F` in the rank-deficient cases.
fn cutoff() -> Cutoff {
    Cutoff::relative(1e-10).unwrap()
}

fn targets_for(loss: OutputLoss, seed: u64, n: usize) -> Array1<f64> {
    let mut r = rng(seed);
    match loss {
        OutputLoss::Logistic => labels(&mut r, n),
        OutputLoss::Squared => randn_vec(&mut r, n),
    }
}

fn check_network(seed: u64, n: usize, hidden: usize, dim: usize, loss: OutputLoss, route: &str) {
    let net = TanhNet { hidden, dim };
    let mut r = rng(seed);
    let x = randn(&mut r, n, dim);
    let w = randn_vec(&mut r, hidden * (dim + 1)) * 0.8;
    assert!(jacobian_fd_error(&net, w.view(), x.view()) < 1e-7);
    let t = targets_for(loss, seed + 1, n);
    let samples = Samples::new(x.view(), t.view(), loss).unwrap();
    let options = GenericOptions {
        cutoff: cutoff(),
        ..Default::default()
    };
    let g = natural_gradient(&net, w.view(), &samples, &options).unwrap();
    let reference =
        dense_natural_gradient_generic(&net, w.view(), &samples, Curvature::Fisher, cutoff())
            .unwrap();
    let err = rel_err(g.direction.view(), reference.view());
    let bound = C * g.condition * f64::EPSILON;
    println!(
        "network N={n} P={} {loss:?}: {} rank {} κ {:.2e} err {err:.2e} (bound {bound:.2e})",
        net.hidden * (dim + 1),
        g.route,
        g.rank,
        g.condition
    );
    assert_eq!(g.route, route);
    assert_eq!(g.rank, n.min(hidden * (dim + 1)));
    assert!(err <= bound, "err {err:e} > {bound:e}");
}

#[test]
fn network_matches_brute_force_for_n_below_equal_above_p() {
    for loss in [OutputLoss::Logistic, OutputLoss::Squared] {
        // P = 4 · 3 = 12.
        check_network(1, 6, 3, 3, loss, "kernel");
        check_network(2, 12, 3, 3, loss, "kernel");
        check_network(3, 30, 3, 3, loss, "least-squares");
    }
}

fn check_parametrization<T: DenseParametrization + Clone>(
    model: T,
    seed: u64,
    n: usize,
    loss: OutputLoss,
    route: &str,
) {
    let model = Dense(model);
    let (p, d) = (model.0.params(), model.0.dim());
    let mut r = rng(seed);
    let x = randn(&mut r, n, d);
    let w = randn_vec(&mut r, p) * 0.7 + 0.1;
    let t = targets_for(loss, seed + 1, n);
    let samples = Samples::new(x.view(), t.view(), loss).unwrap();
    let options = GenericOptions {
        cutoff: cutoff(),
        ..Default::default()
    };
    let g = natural_gradient_parametrization(&model, w.view(), &samples, &options).unwrap();
    let as_network = LinearInInput(model.clone());
    let through_network = natural_gradient(&as_network, w.view(), &samples, &options).unwrap();
    let reference = dense_natural_gradient_generic(
        &as_network,
        w.view(),
        &samples,
        Curvature::Fisher,
        cutoff(),
    )
    .unwrap();
    let err = rel_err(g.direction.view(), reference.view());
    let err_network = rel_err(through_network.direction.view(), reference.view());
    let bound = C * g.condition * f64::EPSILON;
    println!(
        "parametrization N={n} D={d} P={p} {loss:?}: {} rank {} κ {:.2e} err {err:.2e} / {err_network:.2e} (bound {bound:.2e})",
        g.route, g.rank, g.condition
    );
    assert_eq!(g.route, route);
    assert_eq!(g.rank, n.min(d).min(p));
    assert!(err <= bound, "err {err:e} > {bound:e}");
    assert!(
        err_network <= bound,
        "network err {err_network:e} > {bound:e}"
    );
}

#[test]
fn parametrization_compares_n_with_d_not_p() {
    for loss in [OutputLoss::Logistic, OutputLoss::Squared] {
        // D = 5, P = 3 · 6 = 18: N < D, N = D (kernel), N > D (least squares although N < P).
        let two_layer = TwoLayerLinear { hidden: 3, dim: 5 };
        check_parametrization(two_layer.clone(), 10, 3, loss, "kernel");
        check_parametrization(two_layer.clone(), 11, 5, loss, "kernel");
        check_parametrization(two_layer, 12, 9, loss, "least-squares");
        // β = w ⊙ |w|, P = D = 6.
        check_parametrization(SignedSquare(6), 13, 4, loss, "kernel");
        check_parametrization(SignedSquare(6), 14, 6, loss, "kernel");
        check_parametrization(SignedSquare(6), 15, 20, loss, "least-squares");
        // P = 3 < D = 8: the rank bound is P.
        let b = randn(&mut rng(16), 8, 3);
        check_parametrization(LowDim(b.clone()), 17, 2, loss, "kernel");
        check_parametrization(LowDim(b.clone()), 18, 3, loss, "kernel");
        check_parametrization(LowDim(b), 19, 6, loss, "least-squares");
    }
}

#[test]
fn forced_routes_agree() {
    let net = TanhNet { hidden: 4, dim: 3 };
    let mut r = rng(30);
    let x = randn(&mut r, 7, 3);
    let w = randn_vec(&mut r, 16) * 0.8;
    let t = labels(&mut r, 7);
    let samples = Samples::new(x.view(), t.view(), OutputLoss::Logistic).unwrap();
    let run = |force| {
        let options = GenericOptions {
            cutoff: cutoff(),
            force,
            ..Default::default()
        };
        natural_gradient(&net, w.view(), &samples, &options).unwrap()
    };
    let kernel = run(Some(ExactRoute::Kernel));
    for route in [ExactRoute::LeastSquares, ExactRoute::MinNorm] {
        let other = run(Some(route));
        assert_eq!(other.route, route.label());
        let err = rel_err(other.direction.view(), kernel.direction.view());
        assert!(
            err <= C * kernel.condition * f64::EPSILON,
            "{route:?}: {err:e}"
        );
    }
}

#[test]
fn forced_kernel_on_rank_deficient_jacobian_is_an_error_and_auto_falls_back() {
    // Two identical samples: J J ᵀ is singular.
    let net = TanhNet { hidden: 3, dim: 2 };
    let x = Array2::from_shape_vec((3, 2), vec![1.0, 0.5, 1.0, 0.5, -0.3, 0.8]).unwrap();
    let w = randn_vec(&mut rng(31), 9);
    let t = ndarray::array![1.0, 1.0, -1.0];
    let samples = Samples::new(x.view(), t.view(), OutputLoss::Logistic).unwrap();
    let forced = GenericOptions {
        force: Some(ExactRoute::Kernel),
        ..Default::default()
    };
    assert!(natural_gradient(&net, w.view(), &samples, &forced).is_err());
    let auto = natural_gradient(&net, w.view(), &samples, &GenericOptions::default()).unwrap();
    assert_eq!(auto.route, "min-norm");
    assert_eq!(auto.fallback_from, Some(ExactRoute::Kernel));
    assert_eq!(auto.rank, 2);
    let reference = dense_natural_gradient_generic(
        &net,
        w.view(),
        &samples,
        Curvature::Fisher,
        Cutoff::relative(1e-10).unwrap(),
    )
    .unwrap();
    assert!(rel_err(auto.direction.view(), reference.view()) <= C * auto.condition * f64::EPSILON);
}

#[test]
fn bad_inputs_are_errors_naming_the_field() {
    let x = Array2::zeros((3, 2));
    let t = ndarray::array![1.0, -1.0];
    assert!(Samples::new(x.view(), t.view(), OutputLoss::Logistic).is_err());
    let t = ndarray::array![1.0, -1.0, 0.5];
    assert!(Samples::new(x.view(), t.view(), OutputLoss::Logistic).is_err());
    let t = ndarray::array![1.0, -1.0, 1.0];
    let samples = Samples::new(x.view(), t.view(), OutputLoss::Logistic).unwrap();
    let net = TanhNet { hidden: 2, dim: 2 };
    let short = Array1::zeros(3);
    assert!(natural_gradient(&net, short.view(), &samples, &GenericOptions::default()).is_err());
}
