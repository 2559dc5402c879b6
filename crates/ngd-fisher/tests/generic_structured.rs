//! The generic routes on a parametrization written inline (`β = w_1 ⊙ w_2`, the L = 2 diagonal
//! net) equal the structured `diag_natural_gradient` (kernel and weighted routes) to round-off:
//! the structured routes are fast specializations of the generic ones.

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::{Array2, Axis, stack};
use ngd_fisher::generic::{
    GenericOptions, Samples, natural_gradient, natural_gradient_parametrization,
};
use ngd_fisher::{DiagOptions, Route, RouteChoice, diag_natural_gradient};
use ngd_models::{LinearInInput, OutputLoss};

/// The constant of the `C · κ · ε` bound.
const C: f64 = 10.0;

#[test]
fn generic_equals_structured_kernel_and_weighted_routes() {
    let d = 6;
    for (seed, n, route, generic_route) in [
        (1, 4, Route::Kernel, "kernel"),
        (2, 6, Route::Kernel, "kernel"),
        (3, 25, Route::Weighted, "least-squares"),
    ] {
        let mut r = rng(seed);
        let x = randn(&mut r, n, d);
        let y = labels(&mut r, n);
        let w = randn_vec(&mut r, 2 * d) * 0.8;
        let model = Dense(DiagTwo(d));
        let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
        let generic = natural_gradient_parametrization(
            &model,
            w.view(),
            &samples,
            &GenericOptions::default(),
        )
        .unwrap();
        let through_network = natural_gradient(
            &LinearInInput(model.clone()),
            w.view(),
            &samples,
            &GenericOptions::default(),
        )
        .unwrap();
        assert_eq!(generic.route, generic_route);
        // The structured route: X̃ = diag(y) X, u = X̃ β, cofactors (w_2; w_1).
        let x_signed = &x * &y.view().insert_axis(Axis(1));
        let (w1, w2) = (w.slice(ndarray::s![..d]), w.slice(ndarray::s![d..]));
        let margins = x_signed.dot(&(&w1 * &w2));
        let cofactors: Array2<f64> = stack(Axis(0), &[w2, w1]).unwrap();
        let options = DiagOptions {
            route: RouteChoice::Force(route),
            ..Default::default()
        };
        let structured =
            diag_natural_gradient(x_signed.view(), margins.view(), cofactors.view(), &options)
                .unwrap();
        let flat = structured.direction.into_shape_with_order(2 * d).unwrap();
        let bound = C * generic.condition * f64::EPSILON;
        let err = rel_err(generic.direction.view(), flat.view());
        let err_network = rel_err(through_network.direction.view(), flat.view());
        assert!(err <= bound, "N={n}: {err:e} > {bound:e}");
        assert!(
            err_network <= bound,
            "N={n} (network): {err_network:e} > {bound:e}"
        );
    }
}
