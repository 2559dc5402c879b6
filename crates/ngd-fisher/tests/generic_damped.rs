//! Tikhonov-damped generic natural gradients against the dense `(F + λI)⁻¹ ∇`, their limits
//! (`λ → 0⁺`: `F⁺∇`; `λ → ∞`: `∇/λ`), relative damping, and the empirical Fisher.

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::Array1;
use ngd_fisher::generic::{
    Curvature, Damping, GenericOptions, Samples, damped_natural_gradient,
    damped_natural_gradient_parametrization, dense_curvature, dense_damped_natural_gradient,
    dense_natural_gradient_generic, natural_gradient,
};
use ngd_fisher::linalg::Cutoff;
use ngd_models::{LinearInInput, OutputLoss};

/// The constant of the `C · κ · ε` bounds.
const C: f64 = 10.0;

struct Problem {
    x: ndarray::Array2<f64>,
    t: Array1<f64>,
    w: Array1<f64>,
}

fn problem(seed: u64, n: usize, d: usize, p: usize, loss: OutputLoss, scale: f64) -> Problem {
    let mut r = rng(seed);
    let x = randn(&mut r, n, d);
    let w = randn_vec(&mut r, p) * scale;
    let t = match loss {
        OutputLoss::Logistic => labels(&mut r, n),
        OutputLoss::Squared => randn_vec(&mut r, n),
    };
    Problem { x, t, w }
}

/// The damped Fisher natural gradient of the tanh net with absolute `λ`.
fn damped_fisher(
    net: &TanhNet,
    pr: &Problem,
    samples: &Samples<'_>,
    lambda: f64,
) -> ngd_fisher::generic::GenericNaturalGradient {
    let damping = Damping::Absolute(lambda);
    damped_natural_gradient(net, pr.w.view(), samples, damping, Curvature::Fisher).unwrap()
}

#[test]
fn damped_matches_dense_in_output_and_parameter_space() {
    for (n, route) in [(5, "damped output space"), (30, "damped parameter space")] {
        for loss in [OutputLoss::Logistic, OutputLoss::Squared] {
            for curvature in [Curvature::Fisher, Curvature::Empirical] {
                let net = TanhNet { hidden: 3, dim: 3 };
                let pr = problem(40 + n as u64, n, 3, 12, loss, 0.8);
                let samples = Samples::new(pr.x.view(), pr.t.view(), loss).unwrap();
                for lambda in [1e-6, 1e-2, 1.0, 1e3] {
                    let g = damped_natural_gradient(
                        &net,
                        pr.w.view(),
                        &samples,
                        Damping::Absolute(lambda),
                        curvature,
                    )
                    .unwrap();
                    let reference = dense_damped_natural_gradient(
                        &net,
                        pr.w.view(),
                        &samples,
                        curvature,
                        lambda,
                    )
                    .unwrap();
                    let err = rel_err(g.direction.view(), reference.view());
                    assert_eq!(g.route, route);
                    assert_eq!(g.damping, lambda);
                    assert!(
                        err <= C * g.condition * f64::EPSILON,
                        "N={n} {loss:?} {curvature:?} λ={lambda}: err {err:e}, κ {:e}",
                        g.condition
                    );
                }
            }
        }
    }
}

#[test]
fn damped_parametrization_reduces_to_min_n_d() {
    // D = 4 < N = 25: the output space is reduced to D by QR, then pushed through.
    let model = Dense(TwoLayerLinear { hidden: 3, dim: 4 });
    let pr = problem(50, 25, 4, 15, OutputLoss::Logistic, 0.7);
    let samples = Samples::new(pr.x.view(), pr.t.view(), OutputLoss::Logistic).unwrap();
    for lambda in [1e-5, 0.1, 10.0] {
        let g = damped_natural_gradient_parametrization(
            &model,
            pr.w.view(),
            &samples,
            Damping::Absolute(lambda),
            Curvature::Fisher,
        )
        .unwrap();
        assert_eq!(g.route, "damped output space");
        let reference = dense_damped_natural_gradient(
            &LinearInInput(model.clone()),
            pr.w.view(),
            &samples,
            Curvature::Fisher,
            lambda,
        )
        .unwrap();
        let err = rel_err(g.direction.view(), reference.view());
        assert!(err <= C * g.condition * f64::EPSILON, "λ={lambda}: {err:e}");
    }
}

#[test]
fn damped_tends_to_moore_penrose_as_lambda_vanishes() {
    // Nothing is cut (N < P, J of full row rank); the error of (F + λI)⁻¹∇ against F⁺∇ is
    // λ/λ_min(kept) to first order.
    let net = TanhNet { hidden: 3, dim: 3 };
    let pr = problem(60, 6, 3, 12, OutputLoss::Logistic, 0.8);
    let samples = Samples::new(pr.x.view(), pr.t.view(), OutputLoss::Logistic).unwrap();
    let exact = natural_gradient(&net, pr.w.view(), &samples, &GenericOptions::default()).unwrap();
    let smallest = exact.largest_eigenvalue / exact.condition;
    for factor in [1e-4, 1e-6, 1e-8] {
        let lambda = factor * smallest;
        let g = damped_fisher(&net, &pr, &samples, lambda);
        let err = rel_err(g.direction.view(), exact.direction.view());
        assert!(
            err <= 2.0 * factor + C * g.condition * f64::EPSILON,
            "factor {factor}: {err:e}"
        );
    }
}

#[test]
fn damped_tends_to_gradient_over_lambda_as_lambda_grows() {
    let net = TanhNet { hidden: 3, dim: 3 };
    for n in [5, 30] {
        let pr = problem(70 + n as u64, n, 3, 12, OutputLoss::Logistic, 0.8);
        let samples = Samples::new(pr.x.view(), pr.t.view(), OutputLoss::Logistic).unwrap();
        let (f, gradient) =
            dense_curvature(&net, pr.w.view(), &samples, Curvature::Fisher).unwrap();
        let largest = f.diag().sum();
        for factor in [1e3, 1e6, 1e9] {
            let lambda = factor * largest;
            let g = damped_fisher(&net, &pr, &samples, lambda);
            let scaled = &g.direction * lambda;
            let err = rel_err(scaled.view(), gradient.view());
            // (F + λI)⁻¹∇ = ∇/λ − F∇/λ² + …: relative error ≤ λ_max/λ ≤ tr(F)/λ.
            assert!(
                err <= 1.0 / factor + 1e2 * f64::EPSILON,
                "N={n} factor {factor}: {err:e}"
            );
        }
    }
}

#[test]
fn relative_damping_is_absolute_damping_with_the_mean_eigenvalue() {
    let net = TanhNet { hidden: 3, dim: 3 };
    let pr = problem(80, 8, 3, 12, OutputLoss::Logistic, 0.8);
    let samples = Samples::new(pr.x.view(), pr.t.view(), OutputLoss::Logistic).unwrap();
    let (f, _) = dense_curvature(&net, pr.w.view(), &samples, Curvature::Fisher).unwrap();
    let rho = 0.3;
    let lambda = rho * f.diag().sum() / 12.0;
    let relative = damped_natural_gradient(
        &net,
        pr.w.view(),
        &samples,
        Damping::Relative(rho),
        Curvature::Fisher,
    )
    .unwrap();
    assert!((relative.damping - lambda).abs() <= 1e2 * f64::EPSILON * lambda);
    let reference =
        dense_damped_natural_gradient(&net, pr.w.view(), &samples, Curvature::Fisher, lambda)
            .unwrap();
    let err = rel_err(relative.direction.view(), reference.view());
    assert!(err <= C * relative.condition * f64::EPSILON, "{err:e}");
    // Scale-free: multiplying the loss weights (here: the outputs' scale cannot, so compare two
    // ρ's) — a larger ρ means a smaller step.
    let stronger = damped_natural_gradient(
        &net,
        pr.w.view(),
        &samples,
        Damping::Relative(10.0),
        Curvature::Fisher,
    )
    .unwrap();
    let norm = |v: &Array1<f64>| v.dot(v).sqrt();
    assert!(norm(&stronger.direction) < norm(&relative.direction));
}

#[test]
fn invalid_damping_is_an_error() {
    let net = TanhNet { hidden: 2, dim: 2 };
    let pr = problem(90, 4, 2, 6, OutputLoss::Logistic, 0.5);
    let samples = Samples::new(pr.x.view(), pr.t.view(), OutputLoss::Logistic).unwrap();
    for damping in [
        Damping::Absolute(0.0),
        Damping::Absolute(f64::NAN),
        Damping::Relative(-1.0),
    ] {
        assert!(
            damped_natural_gradient(&net, pr.w.view(), &samples, damping, Curvature::Fisher)
                .is_err()
        );
    }
}

#[test]
fn empirical_moore_penrose_matches_dense() {
    // N > P with distinct samples: G is invertible.
    let net = TanhNet { hidden: 2, dim: 3 };
    for loss in [OutputLoss::Logistic, OutputLoss::Squared] {
        for n in [5, 20] {
            let pr = problem(100 + n as u64, n, 3, 8, loss, 0.8);
            let samples = Samples::new(pr.x.view(), pr.t.view(), loss).unwrap();
            let cutoff = Cutoff::relative(1e-10).unwrap();
            let options = GenericOptions {
                cutoff,
                curvature: Curvature::Empirical,
                force: None,
            };
            let g = natural_gradient(&net, pr.w.view(), &samples, &options).unwrap();
            let reference = dense_natural_gradient_generic(
                &net,
                pr.w.view(),
                &samples,
                Curvature::Empirical,
                cutoff,
            )
            .unwrap();
            let err = rel_err(g.direction.view(), reference.view());
            assert!(
                err <= C * g.condition * f64::EPSILON,
                "{loss:?} N={n}: {err:e}"
            );
        }
    }
}

#[test]
fn undamped_empirical_fisher_moves_outputs_by_its_exploding_target() {
    // Linear model, N ≤ D: the kernel route gives J g = r with r_n = −y_n (1 + e^{u_n}), so a
    // step moves each margin by η (1 + e^{u}) — whose flow reaches +∞ in finite time.
    let (n, d) = (4, 7);
    let pr = problem(110, n, d, d, OutputLoss::Logistic, 0.7);
    let net = LinearInInput(Dense(Linear(d)));
    let samples = Samples::new(pr.x.view(), pr.t.view(), OutputLoss::Logistic).unwrap();
    let options = GenericOptions {
        curvature: Curvature::Empirical,
        ..Default::default()
    };
    let g = natural_gradient(&net, pr.w.view(), &samples, &options).unwrap();
    assert_eq!(g.route, "kernel");
    let u = &pr.x.dot(&pr.w) * &pr.t;
    let want: Array1<f64> = u
        .iter()
        .zip(&pr.t)
        .map(|(&u, &y)| -y * (1.0 + u.exp()))
        .collect();
    let err = rel_err(pr.x.dot(&g.direction).view(), want.view());
    assert!(err <= C * g.condition * f64::EPSILON, "{err:e}");
}
