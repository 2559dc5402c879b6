//! The generic NTK and natural NTK: `J g = Θ_nat r` for the Moore–Penrose `g`, `Θ_nat = I`
//! when `rank J = N`, and agreement with the diagonal-net kernels of `ngd_fisher::ntk`
//! (margin space: `diag(y) Θ diag(y)`).

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::{Array1, Array2, Axis, stack};
use ngd_fisher::generic::{
    GenericOptions, Samples, natural_gradient, natural_tangent_kernel, tangent_kernel,
};
use ngd_fisher::linalg::Cutoff;
use ngd_fisher::ntk::diagonal::{egd_ntk, natural_ntk};
use ngd_models::logistic::natural_target;
use ngd_models::{LinearInInput, Network, OutputLoss};

fn max_abs_diff(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    (a - b).iter().fold(0.0_f64, |m, v| m.max(v.abs()))
}

#[test]
fn natural_ntk_maps_natural_targets_to_output_velocity() {
    let net = TanhNet { hidden: 2, dim: 3 };
    for (seed, n) in [(1, 5), (2, 20)] {
        let mut r = rng(seed);
        let x = randn(&mut r, n, 3);
        let w = randn_vec(&mut r, 8) * 0.8;
        let y = labels(&mut r, n);
        let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
        let theta = natural_tangent_kernel(&net, w.view(), &samples, Cutoff::default()).unwrap();
        let g = natural_gradient(&net, w.view(), &samples, &GenericOptions::default()).unwrap();
        let s = net.outputs(w.view(), x.view()).unwrap();
        let targets: Array1<f64> = s
            .iter()
            .zip(&y)
            .map(|(s, y)| y * natural_target(y * s))
            .collect();
        let velocity = net.jacobian(w.view(), x.view()).unwrap().dot(&g.direction);
        let err = rel_err(velocity.view(), theta.dot(&targets).view());
        assert!(err <= 10.0 * g.condition * f64::EPSILON, "N={n}: {err:e}");
        if n <= 8 {
            assert!(max_abs_diff(&theta, &Array2::eye(n)) < 1e2 * g.condition * f64::EPSILON);
        }
    }
}

#[test]
fn generic_kernels_equal_the_diagonal_net_kernels() {
    let d = 4;
    for (seed, n) in [(3, 3), (4, 12)] {
        let mut r = rng(seed);
        let x = randn(&mut r, n, d);
        let y = labels(&mut r, n);
        let w = randn_vec(&mut r, 2 * d) * 0.8;
        let net = LinearInInput(Dense(DiagTwo(d)));
        let samples = Samples::new(x.view(), y.view(), OutputLoss::Logistic).unwrap();
        let x_signed = &x * &y.view().insert_axis(Axis(1));
        let (w1, w2) = (w.slice(ndarray::s![..d]), w.slice(ndarray::s![d..]));
        let cofactors = stack(Axis(0), &[w2, w1]).unwrap();
        let margins = x_signed.dot(&(&w1 * &w2));
        let signs = Array2::from_diag(&y);
        let theta = tangent_kernel(&net, w.view(), x.view()).unwrap();
        let margin_theta = signs.dot(&theta).dot(&signs);
        let scale = theta.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        assert!(
            max_abs_diff(&margin_theta, &egd_ntk(x_signed.view(), cofactors.view()))
                <= 1e2 * scale * f64::EPSILON
        );
        let natural = natural_tangent_kernel(&net, w.view(), &samples, Cutoff::default()).unwrap();
        let structured = natural_ntk(
            x_signed.view(),
            margins.view(),
            cofactors.view(),
            Cutoff::default(),
        )
        .unwrap();
        let diff = max_abs_diff(&signs.dot(&natural).dot(&signs), &structured);
        let kappa = natural_gradient(&net, w.view(), &samples, &GenericOptions::default())
            .unwrap()
            .condition;
        assert!(diff <= 1e2 * kappa * f64::EPSILON, "N={n}: {diff:e}");
    }
}
