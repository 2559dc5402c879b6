//! The generic EGD rule and problem: agreement with the diagonal network's fused EGD, the
//! gradient against central differences, input errors naming the field, bit-identical resume,
//! and the Euclidean gradient flow's conservation law on the deep linear network.

mod common;

use common::{gaussian, separable};
use ndarray::{Array1, Array2, array};
use ngd_models::{
    DeepLinearNet, DiagonalNet, DiagonalParametrization, LinearInInput, OutputLoss, TwoLayerRelu,
    TwoLayerTanh,
};
use ngd_optim::flow::{DormandPrince, dormand_prince, euclidean_field};
use ngd_optim::*;

/// The signed data as data `X = X̃` with all labels `+1` (the same margins).
fn labelled(xt: &Array2<f64>) -> (Array2<f64>, Array1<f64>) {
    (xt.clone(), Array1::ones(xt.nrows()))
}

fn max_abs(a: &Array1<f64>) -> f64 {
    a.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// 100 steps of `NetworkEgd` on the flat diagonal parametrization equal 100 steps of the fused
/// `DiagonalEgd` up to rounding: both compute the same gradient in a different order, so each
/// step differs by `O(N·D·ε)` relative; the bound is `steps · N · D · ε · max|w|`.
#[test]
fn network_egd_matches_diagonal_egd() {
    let beta_star = array![1.0, -0.5, 0.25, 0.8];
    let xt = separable(3, 12, &beta_star, 0.1);
    let (x, y) = labelled(&xt);
    let steps = 100;
    for depth in 1..=3 {
        for step in [
            DiagonalStep::Fixed(0.05),
            DiagonalStep::LossNormalized(0.02),
        ] {
            let weights = gaussian(10 + depth as u64, depth, 4) * 0.5;
            let mut net = DiagonalNet::new(weights.clone()).unwrap();
            let mut w: Array1<f64> = weights.iter().copied().collect();
            let classification = ClassificationProblem::new(xt.clone()).unwrap();
            let model = LinearInInput(DiagonalParametrization::new(depth, 4).unwrap());
            let problem =
                NetworkProblem::new(model, x.clone(), y.clone(), OutputLoss::Logistic).unwrap();
            let mut fused = DiagonalEgd::new(step, depth, 4).unwrap();
            let mut generic = NetworkEgd::new(step).unwrap();
            for _ in 0..steps {
                let a = fused.step(&mut net, &classification).unwrap();
                let b = generic.step(&mut w, &problem).unwrap();
                assert!((a.loss - b.loss).abs() <= 64.0 * f64::EPSILON * a.loss);
            }
            let fused_w: Array1<f64> = net.weights().iter().copied().collect();
            let error = max_abs(&(&fused_w - &w));
            let bound = (steps * 12 * 4) as f64 * f64::EPSILON * max_abs(&w);
            assert!(
                error <= bound,
                "depth {depth}, {step:?}: {error:e} > {bound:e}"
            );
        }
    }
}

/// `∇_w L` of the two-layer tanh net matches central differences of `L` (logistic and squared
/// losses), and the normalized gradient is `∇_w L / L`.
#[test]
fn network_gradient_matches_differences() {
    let net = TwoLayerTanh::new(3, 4).unwrap();
    let x = gaussian(1, 7, 3);
    let w: Array1<f64> = gaussian(2, 1, 16).row(0).to_owned() * 0.7;
    let labels = array![1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0];
    let targets = gaussian(3, 1, 7).row(0).to_owned();
    for (loss, t) in [
        (OutputLoss::Logistic, labels),
        (OutputLoss::Squared, targets),
    ] {
        let problem = NetworkProblem::new(net, x.clone(), t, loss).unwrap();
        let (value, gradient) = problem.loss_and_gradient(w.view()).unwrap();
        let h = 1e-5;
        for k in 0..w.len() {
            let mut e = Array1::zeros(w.len());
            e[k] = h;
            let plus = problem.loss_value((&w + &e).view()).unwrap();
            let minus = problem.loss_value((&w - &e).view()).unwrap();
            let central = (plus - minus) / (2.0 * h);
            // Truncation h²·|L'''| (|L'''| ≲ 10 here) plus rounding ε·L/h.
            let bound = 10.0 * h * h + 4.0 * f64::EPSILON * value / h;
            assert!((central - gradient[k]).abs() <= bound, "{loss:?} k = {k}");
        }
        let (again, normalized) = problem.loss_and_normalized_gradient(w.view()).unwrap();
        assert_eq!(again, value);
        let expected = &gradient / value;
        assert!(max_abs(&(&normalized - &expected)) <= 64.0 * f64::EPSILON * max_abs(&expected));
    }
}

#[test]
fn network_problem_names_bad_input() {
    let net = LinearInInput(DeepLinearNet::new(2, &[3]).unwrap());
    let x = gaussian(1, 4, 2);
    let y = array![1.0, -1.0, 1.0, -1.0];
    let err = |r: Result<NetworkProblem<_>, OptimError>| r.unwrap_err();
    let wide = gaussian(1, 4, 3);
    let bad = err(NetworkProblem::new(
        net.clone(),
        wide,
        y.clone(),
        OutputLoss::Logistic,
    ));
    assert!(
        matches!(bad, OptimError::Shape { what: "data X", .. }),
        "{bad:?}"
    );
    let short = array![1.0, -1.0];
    let bad = err(NetworkProblem::new(
        net.clone(),
        x.clone(),
        short,
        OutputLoss::Logistic,
    ));
    assert!(
        matches!(
            bad,
            OptimError::Shape {
                what: "targets",
                ..
            }
        ),
        "{bad:?}"
    );
    let not_labels = array![1.0, 0.5, 1.0, -1.0];
    let bad = err(NetworkProblem::new(
        net.clone(),
        x.clone(),
        not_labels,
        OutputLoss::Logistic,
    ));
    assert!(matches!(bad, OptimError::Model(_)), "{bad:?}");
    let mut nan_x = x.clone();
    nan_x[[0, 0]] = f64::NAN;
    let bad = err(NetworkProblem::new(
        net.clone(),
        nan_x,
        y.clone(),
        OutputLoss::Logistic,
    ));
    assert!(
        matches!(bad, OptimError::NonFinite { what: "data X" }),
        "{bad:?}"
    );
    let problem = NetworkProblem::new(net, x, y, OutputLoss::Logistic).unwrap();
    let bad = problem.loss_value(Array1::zeros(3).view()).unwrap_err();
    assert!(matches!(bad, OptimError::Model(_)), "{bad:?}");
    assert!(NetworkEgd::new(EgdStep::Fixed(0.0)).is_err());
}

/// 60 steps in one run equal 25 steps, a checkpoint (`w` and `Outcome::resume`), and 35 more,
/// bit for bit, for both step rules on the deep linear net.
#[test]
fn network_egd_resumes_bit_identically() {
    let (x, y) = labelled(&separable(5, 10, &array![0.6, -1.0, 0.3], 0.1));
    let model = LinearInInput(DeepLinearNet::new(3, &[4, 2]).unwrap());
    let problem = NetworkProblem::new(model, x, y, OutputLoss::Logistic).unwrap();
    let w0: Array1<f64> = gaussian(6, 1, 22).row(0).to_owned() * 0.4;
    for step in [EgdStep::Fixed(0.1), EgdStep::LossNormalized(0.05)] {
        let run = |w: &mut Array1<f64>, budget, start| {
            let mut rule = NetworkEgd::new(step).unwrap();
            Executor::new(budget)
                .run(&mut rule, w, &problem, start, &mut NoObserver)
                .unwrap()
        };
        let mut straight = w0.clone();
        let whole = run(&mut straight, 60, Resume::fresh());
        let mut resumed = w0.clone();
        let first = run(&mut resumed, 25, Resume::fresh());
        let mut checkpoint = resumed.clone();
        let rest = run(&mut checkpoint, 60, first.resume());
        assert_eq!(checkpoint, straight);
        assert_eq!(rest, whole);
    }
}

/// Along the exact Euclidean gradient flow of the depth-2 deep linear net,
/// `W_1 W_1ᵀ − W_2ᵀ W_2` is conserved (Arora et al. 2018, balancedness): the Dormand–Prince
/// solution keeps it to the integrator's tolerance, while the matrix itself moves by O(1).
#[test]
fn euclidean_flow_conserves_balancedness() {
    let (x, y) = labelled(&separable(9, 12, &array![1.0, 0.4, -0.7], 0.1));
    let net = DeepLinearNet::new(3, &[4]).unwrap();
    let problem =
        NetworkProblem::new(LinearInInput(net.clone()), x, y, OutputLoss::Logistic).unwrap();
    let imbalance = |w: &Array1<f64>| {
        let layers = net.layer_matrices(w.view()).unwrap();
        layers[0].dot(&layers[0].t()) - layers[1].t().dot(&layers[1])
    };
    let w0: Array1<f64> = gaussian(4, 1, 16).row(0).to_owned() * 0.5;
    let options = DormandPrince {
        rtol: 1e-11,
        atol: 1e-12,
        ..DormandPrince::default()
    };
    let path = dormand_prince(
        euclidean_field(&problem),
        0.0,
        w0.clone(),
        &[5.0, 20.0],
        options,
    )
    .unwrap();
    let start = imbalance(&w0);
    for w in &path.states {
        let drift = (&imbalance(w) - &start)
            .iter()
            .fold(0.0_f64, |m, x| m.max(x.abs()));
        let moved = max_abs(&(w - &w0));
        assert!(moved > 0.1, "the flow barely moved: {moved}");
        assert!(drift <= 1e-8 * (1.0 + moved), "drift {drift:e}");
    }
}

/// A nonlinear network (two-layer tanh and ReLU, `P = 24, 64 ≥ N = 8`, random labels) runs through
/// the executor like any model: with a small fixed step the observed loss decreases at every
/// observation and every training point ends correctly classified.
#[test]
fn network_egd_trains_two_layer_nets_through_the_executor() {
    let x = gaussian(21, 8, 3);
    let y = array![1.0, -1.0, -1.0, 1.0, 1.0, -1.0, 1.0, -1.0];
    let w0: Array1<f64> = gaussian(22, 1, 24).row(0).to_owned();
    let tanh = NetworkProblem::new(
        TwoLayerTanh::new(3, 6).unwrap(),
        x.clone(),
        y.clone(),
        OutputLoss::Logistic,
    )
    .unwrap();
    let relu = NetworkProblem::new(
        TwoLayerRelu::new(3, 16).unwrap(),
        x,
        y.clone(),
        OutputLoss::Logistic,
    )
    .unwrap();
    let (w, losses) = train(&tanh, &w0);
    let margins = tanh.outputs(w.view()).unwrap() * &y;
    assert!(losses.windows(2).all(|p| p[1] < p[0]), "{losses:?}");
    assert!(margins.iter().all(|&u| u > 0.0));
    // ReLU units can die on a sample (all 6 units of this seed did on one, leaving margin 0);
    // 16 units make that unlikely.
    let (w, losses) = train(&relu, &(gaussian(23, 1, 64).row(0).to_owned() * 0.5));
    let margins = relu.outputs(w.view()).unwrap() * &y;
    assert!(losses.windows(2).all(|p| p[1] < p[0]), "{losses:?}");
    assert!(margins.iter().all(|&u| u > 0.0));
}

/// 3000 EGD steps of size 0.5; the weights and the losses seen at the observations.
fn train<N: ngd_models::Network>(
    problem: &NetworkProblem<N>,
    w0: &Array1<f64>,
) -> (Array1<f64>, Vec<f64>) {
    let mut w = w0.clone();
    let mut losses = Vec::new();
    let mut record = |o: &Observation<'_, Array1<f64>>| {
        losses.push(o.loss);
        std::ops::ControlFlow::Continue(())
    };
    let mut rule = NetworkEgd::new(EgdStep::Fixed(0.5)).unwrap();
    let outcome = Executor::new(3000)
        .run(&mut rule, &mut w, problem, Resume::fresh(), &mut record)
        .unwrap();
    assert_eq!(outcome.stop, Stop::Budget);
    (w, losses)
}
