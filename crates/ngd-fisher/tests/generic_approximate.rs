//! Diagonal and block-diagonal (per-layer) approximations against their dense definitions:
//! the dense curvature with the off-diagonal (off-block) entries zeroed, then `pinv` (same
//! cut-off) or `(C + λI)⁻¹`; Fisher and empirical Fisher, N < P and N > P.

#[macro_use]
mod generic_common;

use generic_common::*;
use ndarray::{Array1, Array2};
use ngd_fisher::generic::{
    Curvature, Damping, Inversion, Samples, block_natural_gradient, dense_curvature,
    diagonal_fisher_gradient,
};
use ngd_fisher::linalg::{Cutoff, pinv, spd_solve};
use ngd_models::{LinearInInput, Network, OutputLoss};

/// The constant of the `C · κ · ε` bounds.
const C: f64 = 10.0;

fn masked(c: &Array2<f64>, same_block: impl Fn(usize, usize) -> bool) -> Array2<f64> {
    Array2::from_shape_fn(
        c.dim(),
        |(i, j)| if same_block(i, j) { c[[i, j]] } else { 0.0 },
    )
}

fn reference(c: &Array2<f64>, gradient: &Array1<f64>, inversion: Inversion) -> Array1<f64> {
    match inversion {
        Inversion::MoorePenrose(cutoff) => pinv(c.view(), cutoff).unwrap().matrix.dot(gradient),
        Inversion::Damped(Damping::Absolute(lambda)) => {
            let mut damped = c.clone();
            damped.diag_mut().mapv_inplace(|x| x + lambda);
            spd_solve(damped.view(), gradient.view(), Cutoff::default(), "C + λI").unwrap()
        }
        Inversion::Damped(Damping::Relative(rho)) => {
            let lambda = rho * c.diag().sum() / c.nrows() as f64;
            reference(c, gradient, Inversion::Damped(Damping::Absolute(lambda)))
        }
    }
}

fn check<N: Network>(net: &N, n: usize, d: usize, seed: u64, loss: OutputLoss) {
    let mut r = rng(seed);
    let x = randn(&mut r, n, d);
    let w = randn_vec(&mut r, net.param_count()) * 0.8 + 0.1;
    let t = match loss {
        OutputLoss::Logistic => labels(&mut r, n),
        OutputLoss::Squared => randn_vec(&mut r, n),
    };
    let samples = Samples::new(x.view(), t.view(), loss).unwrap();
    let layers = net.layers();
    let block_of = |i: usize| layers.iter().position(|l| l.contains(&i)).unwrap();
    for curvature in [Curvature::Fisher, Curvature::Empirical] {
        let (c, gradient) = dense_curvature(net, w.view(), &samples, curvature).unwrap();
        for inversion in [
            Inversion::MoorePenrose(Cutoff::relative(1e-10).unwrap()),
            Inversion::Damped(Damping::Absolute(1e-3)),
            Inversion::Damped(Damping::Relative(0.1)),
        ] {
            let diag =
                diagonal_fisher_gradient(net, w.view(), &samples, curvature, inversion).unwrap();
            let want = reference(&masked(&c, |i, j| i == j), &gradient, inversion);
            let err = rel_err(diag.direction.view(), want.view());
            assert!(
                err <= C * diag.condition * f64::EPSILON,
                "diagonal {curvature:?} {inversion:?}: {err:e}"
            );
            let block =
                block_natural_gradient(net, w.view(), &samples, curvature, inversion).unwrap();
            let want = reference(
                &masked(&c, |i, j| block_of(i) == block_of(j)),
                &gradient,
                inversion,
            );
            let err = rel_err(block.direction.view(), want.view());
            assert!(
                err <= C * block.condition * f64::EPSILON,
                "block N={n} {loss:?} {curvature:?} {inversion:?}: {err:e} (κ {:e})",
                block.condition
            );
        }
    }
}

#[test]
fn diagonal_and_block_match_their_dense_definitions() {
    for loss in [OutputLoss::Logistic, OutputLoss::Squared] {
        // Tanh net, blocks V (9) and a (3): N < block sizes, between, and N > P.
        let net = TanhNet { hidden: 3, dim: 3 };
        check(&net, 2, 3, 1, loss);
        check(&net, 6, 3, 2, loss);
        check(&net, 30, 3, 3, loss);
        // Two-layer deep linear parametrization as a network, blocks W_1 (8) and w_2 (2).
        let model = LinearInInput(Dense(TwoLayerLinear { hidden: 2, dim: 4 }));
        check(&model, 3, 4, 4, loss);
        check(&model, 20, 4, 5, loss);
    }
}

#[test]
fn block_of_one_layer_is_the_exact_natural_gradient() {
    let net = LinearInInput(Dense(SignedSquare(5)));
    let mut r = rng(9);
    let x = randn(&mut r, 8, 5);
    let w = randn_vec(&mut r, 5);
    let t = labels(&mut r, 8);
    let samples = Samples::new(x.view(), t.view(), OutputLoss::Logistic).unwrap();
    let options = ngd_fisher::generic::GenericOptions::default();
    let exact = ngd_fisher::generic::natural_gradient(&net, w.view(), &samples, &options).unwrap();
    let block = block_natural_gradient(
        &net,
        w.view(),
        &samples,
        Curvature::Fisher,
        Inversion::MoorePenrose(Cutoff::default()),
    )
    .unwrap();
    assert_eq!(block.rank, exact.rank);
    let err = rel_err(block.direction.view(), exact.direction.view());
    assert!(err <= C * exact.condition * f64::EPSILON, "{err:e}");
}
