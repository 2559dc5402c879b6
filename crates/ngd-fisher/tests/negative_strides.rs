//! Inputs given as views with negative strides (e.g. `a[::-1]` from NumPy, `s![..;-1]` here)
//! give the same natural gradient as the same values in standard layout: a regression test for
//! the kernel route, which once handed LAPACK a reversed right-hand side.

use ndarray::{Array1, Array2, s};
use ngd_fisher::{DiagOptions, Route, RouteChoice, diag_natural_gradient};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

#[test]
fn reversed_views_give_the_same_direction() {
    let (n, d, l) = (6, 10, 2);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let mut draw = |shape: (usize, usize)| {
        Array2::from_shape_simple_fn(shape, || StandardNormal.sample(&mut rng))
    };
    let xt: Array2<f64> = draw((n, d));
    let cofactors: Array2<f64> = draw((l, d));
    let margins: Array1<f64> = draw((1, n)).row(0).mapv(|u: f64| 0.5 * u);
    for route in [Route::Kernel, Route::MinNorm] {
        let options = DiagOptions {
            route: RouteChoice::Force(route),
            ..DiagOptions::default()
        };
        let plain = diag_natural_gradient(xt.view(), margins.view(), cofactors.view(), &options)
            .unwrap()
            .direction;
        // The same values, stored reversed and read through a negative-stride view.
        let stored: Array1<f64> = margins.iter().rev().copied().collect();
        let reversed_view = stored.slice(s![..;-1]);
        assert_eq!(reversed_view, margins.view());
        let stored_x = xt.slice(s![..;-1, ..]).to_owned();
        let x_view = stored_x.slice(s![..;-1, ..]);
        let strided = diag_natural_gradient(x_view, reversed_view, cofactors.view(), &options)
            .unwrap()
            .direction;
        let scale = plain.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let error = (&plain - &strided)
            .iter()
            .fold(0.0_f64, |m, v| m.max(v.abs()));
        assert!(
            error <= 64.0 * (n * d) as f64 * f64::EPSILON * scale,
            "{route:?}: {error:e}"
        );
    }
}
