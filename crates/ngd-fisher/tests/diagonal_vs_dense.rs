//! Structured diagonal-network natural gradients against the dense brute force
//! `pinv(F(w)) ∇_w`, and the natural-gradient equation `F(w) g = ∇_w` for every route.

mod common;

use common::{cofactors, diag_problem, rel_err, rel_err1};
use ndarray::{Array2, ArrayView2};
use ngd_fisher::diagonal::{
    dense_natural_gradient, jacobian_from_cofactors, logistic_gradient, sample_fisher,
};
use ngd_fisher::{Cutoff, DiagOptions, Route, RouteChoice, diag_natural_gradient};

const SHAPES: [(usize, usize); 3] = [(4, 7), (6, 6), (11, 5)];

fn options(route: RouteChoice) -> DiagOptions {
    DiagOptions {
        cutoff: Cutoff::default(),
        route,
    }
}

/// Relative residual of `F(w) g = ∇_w`.
fn fisher_residual(
    x: ArrayView2<'_, f64>,
    u: &ndarray::Array1<f64>,
    c: &Array2<f64>,
    g: &Array2<f64>,
) -> f64 {
    let j = jacobian_from_cofactors(c.view());
    let fw = j.t().dot(&sample_fisher(x, u.view())).dot(&j);
    let grad_w = j.t().dot(&logistic_gradient(x, u.view()));
    let g_flat = g.iter().copied().collect::<ndarray::Array1<f64>>();
    rel_err1(fw.dot(&g_flat).view(), grad_w.view())
}

#[test]
fn moore_penrose_routes_match_dense_brute_force() {
    let mut worst = 0.0_f64;
    for (case, &(n, d)) in SHAPES.iter().enumerate() {
        for l in 1..=4 {
            let (x, w, _, u) = diag_problem(100 + 10 * case as u64 + l as u64, n, d, l, 2.0);
            let c = cofactors(&w);
            let (dense, rank) =
                dense_natural_gradient(x.view(), u.view(), c.view(), Cutoff::default()).unwrap();
            assert_eq!(rank, n.min(d), "rank of F(w), N = {n}, D = {d}, L = {l}");
            let mut routes = vec![RouteChoice::Auto, RouteChoice::Force(Route::MinNorm)];
            if n <= d {
                routes.push(RouteChoice::Force(Route::Kernel));
            }
            if n >= d {
                routes.push(RouteChoice::Force(Route::Weighted));
                // With F(β) invertible the dense-β route is the Moore–Penrose direction too.
                routes.push(RouteChoice::Force(Route::DenseBeta));
            }
            for route in routes {
                let g =
                    diag_natural_gradient(x.view(), u.view(), c.view(), &options(route)).unwrap();
                let err = rel_err(g.direction.view(), dense.view());
                eprintln!(
                    "N={n} D={d} L={l} {route:?} -> {:?}: rel. error {err:.2e}",
                    g.route
                );
                assert!(err <= 1e-9, "N = {n}, D = {d}, L = {l}, {route:?}: {err:e}");
                worst = worst.max(err);
                if route == RouteChoice::Auto {
                    let expected = if n <= d {
                        Route::Kernel
                    } else {
                        Route::Weighted
                    };
                    assert_eq!(g.route, expected);
                    assert_eq!(g.fallback_from, None);
                }
            }
        }
    }
    eprintln!("worst relative error, structured vs dense (diagonal nets): {worst:.2e}");
}

#[test]
fn every_route_solves_the_natural_gradient_equation() {
    let mut worst = 0.0_f64;
    for (case, &(n, d)) in SHAPES.iter().enumerate() {
        for l in 1..=4 {
            let (x, w, _, u) = diag_problem(200 + 10 * case as u64 + l as u64, n, d, l, 2.0);
            let c = cofactors(&w);
            for route in [Route::MinNorm, Route::PaperLayerwise, Route::DenseBeta] {
                let g = diag_natural_gradient(
                    x.view(),
                    u.view(),
                    c.view(),
                    &options(RouteChoice::Force(route)),
                )
                .unwrap();
                let res = fisher_residual(x.view(), &u, &c, &g.direction);
                eprintln!("N={n} D={d} L={l} {route:?}: residual {res:.2e}");
                assert!(res <= 1e-9, "N = {n}, D = {d}, L = {l}, {route:?}: {res:e}");
                worst = worst.max(res);
            }
            let auto =
                diag_natural_gradient(x.view(), u.view(), c.view(), &options(RouteChoice::Auto))
                    .unwrap();
            let res = fisher_residual(x.view(), &u, &c, &auto.direction);
            assert!(res <= 1e-9, "N = {n}, D = {d}, L = {l}, Auto: {res:e}");
            worst = worst.max(res);
        }
    }
    eprintln!("worst relative residual of F(w) g = ∇_w: {worst:.2e}");
}

#[test]
fn paper_layerwise_is_not_moore_penrose_for_deep_nets() {
    // For L ≥ 2 the 1/L split puts the same β-change share on every layer, which is not the
    // minimum-norm choice unless the cofactors are equal: it must differ from the dense MP.
    let (x, w, _, u) = diag_problem(7, 8, 5, 2, 2.0);
    let c = cofactors(&w);
    let (dense, _) =
        dense_natural_gradient(x.view(), u.view(), c.view(), Cutoff::default()).unwrap();
    let g = diag_natural_gradient(
        x.view(),
        u.view(),
        c.view(),
        &options(RouteChoice::Force(Route::PaperLayerwise)),
    )
    .unwrap();
    assert!(rel_err(g.direction.view(), dense.view()) > 1e-3);
    let norm = |a: &Array2<f64>| a.iter().map(|x| x * x).sum::<f64>();
    assert!(norm(&g.direction) > norm(&dense));
}
