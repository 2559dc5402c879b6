//! The weighted route on rank-deficient data (N > D, rank X̃ < D): the least-squares solution is
//! not unique and its residual cannot show the null-space component, so the forced route must be
//! an error and `Auto` must fall back to the minimum-norm (Moore–Penrose) direction — never a
//! direction with a huge null-space component (once returned with rank D and accuracy 7e-15, at
//! 1.5e4 times the Moore–Penrose norm).

use ndarray::{Array1, Array2};
use ngd_fisher::{DiagOptions, FisherError, Route, RouteChoice, diag_natural_gradient};

#[test]
fn rank_deficient_data_is_singular_for_weighted_and_falls_back_under_auto() {
    // Every row the same up to a shift: x_n = 1 + (0, 1, …, 5), so rank X̃ = 1 < D = 6.
    let (n, d) = (12, 6);
    let x = Array2::from_shape_fn((n, d), |(_, j)| 1.0 + j as f64);
    let labels = Array1::from_shape_fn(n, |i| if i % 2 == 0 { 1.0 } else { -1.0 });
    let xt = &x * &labels.view().insert_axis(ndarray::Axis(1));
    let cofactors = Array2::from_elem((2, d), 0.1);
    let beta = Array1::from_elem(d, 0.01);
    let margins = xt.dot(&beta);
    let forced = DiagOptions {
        route: RouteChoice::Force(Route::Weighted),
        ..DiagOptions::default()
    };
    let result = diag_natural_gradient(xt.view(), margins.view(), cofactors.view(), &forced);
    assert!(
        matches!(result, Err(FisherError::Singular { rank: 1, .. })),
        "{result:?}"
    );
    let auto = diag_natural_gradient(
        xt.view(),
        margins.view(),
        cofactors.view(),
        &DiagOptions::default(),
    )
    .unwrap();
    let min_norm = DiagOptions {
        route: RouteChoice::Force(Route::MinNorm),
        ..DiagOptions::default()
    };
    let reference =
        diag_natural_gradient(xt.view(), margins.view(), cofactors.view(), &min_norm).unwrap();
    assert_eq!(auto.route, Route::MinNorm);
    let error = (&auto.direction - &reference.direction)
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let scale = reference
        .direction
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    assert!(error <= 1e-12 * scale, "{error:e}");
}
