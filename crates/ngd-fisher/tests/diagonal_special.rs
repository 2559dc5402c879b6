//! Exact margin dynamics, huge margins, degenerate inputs and the population Fisher for
//! diagonal networks.

mod common;

use common::{cofactors, diag_problem, rel_err, rel_err1, rng, well_conditioned};
use ndarray::{Array1, Array2, Axis};
use ngd_fisher::diagonal::{
    dense_natural_gradient, dense_population_natural_gradient, population_natural_gradient,
};
use ngd_fisher::ntk::diagonal::margin_velocity;
use ngd_fisher::{Cutoff, DiagOptions, FisherError, Route, RouteChoice, diag_natural_gradient};
use ngd_models::logistic::{log_fisher_weight, loss};
use rand::RngExt;

fn auto() -> DiagOptions {
    DiagOptions::default()
}

fn forced(route: Route) -> DiagOptions {
    DiagOptions {
        route: RouteChoice::Force(route),
        ..DiagOptions::default()
    }
}

#[test]
fn linear_kernel_step_moves_margins_exactly() {
    // L = 1, N ≤ D: X̃ (w − η g) = u + η (1 + e^{−u}) (math.md, "facts that make good tests").
    let eta = 0.3;
    for (n, d) in [(3, 8), (5, 5)] {
        let (x, w, b, u) = diag_problem(31 + n as u64, n, d, 1, 3.0);
        let g = diag_natural_gradient(x.view(), u.view(), cofactors(&w).view(), &auto()).unwrap();
        assert_eq!(g.route, Route::Kernel);
        let new_u = x.dot(&(&b - &(&g.direction.row(0) * eta)));
        let expected = u.mapv(|v| v + eta * (1.0 + (-v).exp()));
        let err = rel_err1(new_u.view(), expected.view());
        eprintln!("N={n} D={d}: margin update rel. error {err:.2e}");
        assert!(err <= 1e-12, "{err:e}");
    }
}

#[test]
fn huge_margins_stay_finite_and_exact() {
    // Kernel route (N < D): margins set to U(300, 700) by choosing β = X̃⁺ u and the first layer
    // w_1 = β / (w_2 ⊙ … ⊙ w_L); the Fisher weights are then e^{-300} … e^{-700}.
    for (n, d, l) in [(4, 9, 1), (4, 9, 3)] {
        let (x, mut w, _, _) = diag_problem(41 + l as u64, n, d, l, 1.0);
        let mut r = rng(42);
        let target: Array1<f64> =
            Array1::from_shape_simple_fn(n, || 300.0 + 400.0 * r.random::<f64>());
        let beta = ngd_fisher::linalg::pinv(x.view(), Cutoff::default())
            .unwrap()
            .matrix
            .dot(&target);
        let rest = w
            .slice_axis(Axis(0), ndarray::Slice::from(1..))
            .map_axis(Axis(0), |col| col.iter().product::<f64>());
        w.row_mut(0).assign(&(&beta / &rest));
        let u = x.dot(&common::beta(w.view()));
        assert!(
            rel_err1(u.view(), target.view()) < 1e-12,
            "test setup: margins in [300, 700]"
        );
        let c = cofactors(&w);
        let g = diag_natural_gradient(x.view(), u.view(), c.view(), &auto()).unwrap();
        assert_eq!(g.route, Route::Kernel);
        assert!(g.direction.iter().all(|v| v.is_finite()));
        // Kernel route unchanged: the β-velocity still moves every margin by t = −(1 + e^{−u}).
        let t = u.mapv(|v| -(1.0 + (-v).exp()));
        let err = rel_err1(
            margin_velocity(x.view(), c.view(), g.direction.view()).view(),
            t.view(),
        );
        assert!(err <= 1e-12, "L = {l}: {err:e}");
    }
    // Weighted route (N > D), all margins in [300, 700] (a confident classifier): each row of a
    // Gaussian matrix is moved along β so that x̃_nᵀβ = m_n ~ U(300, 700). The weighted normal
    // equations hold: with ω = (d / max d)^{1/2}, A = diag(ω) X̃, b = ω ⊙ t and v = J g,
    // ‖Aᵀ(A v − b)‖ ≤ tol · ‖A‖ (‖A‖ ‖v‖ + ‖b‖) (the backward-stable least-squares bound), and
    // v agrees with the SVD minimum-norm route.
    for l in [1, 2, 3] {
        let (z, w, b, _) = diag_problem(51 + l as u64, 40, 4, l, 1.0);
        let mut r = rng(52);
        let target: Array1<f64> =
            Array1::from_shape_simple_fn(40, || 300.0 + 400.0 * r.random::<f64>());
        let bb = b.dot(&b);
        let mut x = z.clone();
        for (mut row, &m) in x.axis_iter_mut(Axis(0)).zip(&target) {
            let shift = (m - row.dot(&b)) / bb;
            row.scaled_add(shift, &b);
        }
        let u = x.dot(&b);
        assert!(rel_err1(u.view(), target.view()) < 1e-12, "test setup");
        let c = cofactors(&w);
        let g = diag_natural_gradient(x.view(), u.view(), c.view(), &auto()).unwrap();
        assert_eq!(g.route, Route::Weighted);
        assert!(g.direction.iter().all(|v| v.is_finite()));
        let v = (&c * &g.direction).sum_axis(Axis(0));
        let log_d = u.mapv(log_fisher_weight);
        let max = log_d.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let omega = log_d.mapv(|x| (0.5 * (x - max)).exp());
        // ω ⊙ t = −exp(½ log d̂ + log(1 + e^{−u})), formed without overflow.
        let omega_t = ndarray::Zip::from(&log_d)
            .and(&u)
            .map_collect(|&ld, &uu| -(0.5 * (ld - max) + loss(uu)).exp());
        let a = &x * &omega.view().insert_axis(Axis(1));
        let rho = a.dot(&v) - &omega_t;
        let norm = |z: &Array1<f64>| z.iter().map(|r| r * r).sum::<f64>().sqrt();
        let a_norm = a.iter().map(|r| r * r).sum::<f64>().sqrt();
        let rel = norm(&a.t().dot(&rho)) / (a_norm * (a_norm * norm(&v) + norm(&omega_t)));
        let min_norm =
            diag_natural_gradient(x.view(), u.view(), c.view(), &forced(Route::MinNorm)).unwrap();
        let err = rel_err(g.direction.view(), min_norm.direction.view());
        eprintln!(
            "L={l}, u in [300, 700]: normal-equation residual {rel:.2e}, vs min-norm {err:.2e}"
        );
        assert!(rel <= 1e-14, "L = {l}: {rel:e}");
        assert!(err <= 1e-9, "L = {l}: {err:e}");
    }
}

#[test]
fn zero_weights_fall_back_to_min_norm_and_match_dense() {
    for (n, d, l) in [(3, 6, 2), (9, 4, 2), (5, 5, 3)] {
        let (x, _, _, _) = diag_problem(61, n, d, l, 1.0);
        let w = Array2::<f64>::zeros((l, d));
        let c = cofactors(&w);
        let u = Array1::zeros(n);
        let g = diag_natural_gradient(x.view(), u.view(), c.view(), &auto()).unwrap();
        assert_eq!(g.route, Route::MinNorm);
        assert_eq!(
            g.fallback_from,
            Some(if n <= d {
                Route::Kernel
            } else {
                Route::Weighted
            })
        );
        assert_eq!(g.rank, 0);
        let (dense, _) =
            dense_natural_gradient(x.view(), u.view(), c.view(), Cutoff::default()).unwrap();
        assert!(rel_err(g.direction.view(), dense.view()) <= 1e-12);
        // Forcing the kernel route is an error, not a NaN.
        let forced_kernel =
            diag_natural_gradient(x.view(), u.view(), c.view(), &forced(Route::Kernel));
        assert!(matches!(forced_kernel, Err(FisherError::Singular { .. })));
    }
}

#[test]
fn rank_deficient_data_falls_back_and_matches_dense() {
    // Partly zero weights (some s_i = 0) with N > D, and duplicated samples with N < D.
    let (x, mut w, _, _) = diag_problem(71, 10, 4, 2, 1.0);
    w[[0, 1]] = 0.0;
    w[[1, 1]] = 0.0;
    let c = cofactors(&w);
    let u = x.dot(&common::beta(w.view()));
    let g = diag_natural_gradient(x.view(), u.view(), c.view(), &auto()).unwrap();
    assert_eq!(
        (g.route, g.fallback_from),
        (Route::MinNorm, Some(Route::Weighted))
    );
    let (dense, _) =
        dense_natural_gradient(x.view(), u.view(), c.view(), Cutoff::default()).unwrap();
    let err = rel_err(g.direction.view(), dense.view());
    assert!(err <= 1e-9, "{err:e}");

    let (x, w, _, _) = diag_problem(72, 4, 7, 2, 1.0);
    let mut x_dup = x.clone();
    x_dup.row_mut(3).assign(&x.row(0));
    let u = x_dup.dot(&common::beta(w.view()));
    let c = cofactors(&w);
    let g = diag_natural_gradient(x_dup.view(), u.view(), c.view(), &auto()).unwrap();
    assert_eq!(
        (g.route, g.fallback_from),
        (Route::MinNorm, Some(Route::Kernel))
    );
    assert_eq!(g.rank, 3);
    let (dense, _) =
        dense_natural_gradient(x_dup.view(), u.view(), c.view(), Cutoff::default()).unwrap();
    let err = rel_err(g.direction.view(), dense.view());
    eprintln!("duplicated sample, min-norm vs dense: {err:.2e}");
    assert!(err <= 1e-9, "{err:e}");
}

#[test]
fn population_fisher_matches_dense_and_rejects_too_few_inputs() {
    let mut worst = 0.0_f64;
    for (n, d, l) in [(4, 6, 1), (4, 6, 2), (12, 5, 3)] {
        let (x, w, b, u) = diag_problem(81 + l as u64, n, d, l, 2.0);
        let c = cofactors(&w);
        let mut r = rng(91);
        let xp = well_conditioned(&mut r, 3 * d, d);
        let g = population_natural_gradient(
            x.view(),
            u.view(),
            c.view(),
            xp.view(),
            b.view(),
            Cutoff::default(),
        )
        .unwrap();
        assert_eq!(g.route, Route::Population);
        let (dense, rank) = dense_population_natural_gradient(
            x.view(),
            u.view(),
            c.view(),
            xp.view(),
            b.view(),
            Cutoff::default(),
        )
        .unwrap();
        assert_eq!(rank, d);
        let err = rel_err(g.direction.view(), dense.view());
        assert!(err <= 1e-9, "{err:e}");
        worst = worst.max(err);

        let too_few = xp
            .slice_axis(Axis(0), ndarray::Slice::from(..d - 1))
            .to_owned();
        let e = population_natural_gradient(
            x.view(),
            u.view(),
            c.view(),
            too_few.view(),
            b.view(),
            Cutoff::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("must be ≥ D"), "{e}");
    }
    eprintln!("worst relative error, population Fisher vs dense: {worst:.2e}");
}
