//! Natural gradient descent and flow: exact known answers (the margin recursion and the closed
//! form of NGF for the linear model, math.md "Facts that make good exact tests"), approximate
//! parametrization invariance, and the identity natural NTK of factorizations.

mod common;

use common::{gaussian, random_mask, separable};
use ndarray::{Array1, Array2, array};
use ngd_fisher::factorization::MpOptions;
use ngd_fisher::factorization::NaturalDirection;
use ngd_fisher::{Cutoff, DiagOptions};
use ngd_models::{DiagonalNet, MatrixFactorization};
use ngd_optim::flow::rk4;
use ngd_optim::ngd::diagonal_ngf_field;
use ngd_optim::{
    ClassificationProblem, CompletionProblem, DiagonalNgd, FactorizationNgd, FisherChoice,
    OptimError, StepRule,
};

fn sample() -> FisherChoice {
    FisherChoice::Sample(DiagOptions::default())
}

/// L = 1, N ≤ D: one Moore–Penrose NGD step moves every margin exactly as
/// `u ← u + η (1 + e^{−u})`, whatever X is.
#[test]
fn linear_ngd_step_moves_margins_exactly() {
    let xt = gaussian(3, 6, 10);
    let problem = ClassificationProblem::new(xt.clone()).unwrap();
    let mut net = DiagonalNet::new(gaussian(4, 1, 10) * 0.3).unwrap();
    let mut rule = DiagonalNgd::new(0.7, sample()).unwrap();
    for _ in 0..5 {
        let u = xt.dot(&net.beta());
        let report = rule.step(&mut net, &problem).unwrap();
        assert_eq!(report.info, Some("kernel"));
        let expected = u.mapv(|u: f64| u + 0.7 * (1.0 + (-u).exp()));
        let got = xt.dot(&net.beta());
        let worst = (&got - &expected)
            .iter()
            .zip(expected.iter())
            .map(|(e, x)| e.abs() / x.abs().max(1.0))
            .fold(0.0, f64::max);
        assert!(worst <= 1e-10, "relative error {worst:e}");
    }
}

/// NGF for L = 1 integrated by RK4 matches `u(t) = log((1 + e^{u(0)}) e^t − 1)`.
#[test]
fn linear_ngf_matches_closed_form() {
    let xt = gaussian(5, 4, 9);
    let problem = ClassificationProblem::new(xt.clone()).unwrap();
    let w0 = gaussian(6, 1, 9) * 0.2;
    let u0 = xt.dot(&w0.row(0));
    let field = diagonal_ngf_field(&problem, 1, DiagOptions::default());
    let times = [0.5, 1.0, 2.0, 4.0];
    let traj = rk4(field, 0.0, w0.row(0).to_owned(), &times, 0.01).unwrap();
    for (t, state) in traj.times.iter().zip(&traj.states) {
        let u = xt.dot(state);
        for (n, &un) in u.iter().enumerate() {
            let exact = ((1.0 + u0[n].exp()) * t.exp() - 1.0).ln();
            assert!(
                (un - exact).abs() <= 1e-8 * exact.abs().max(1.0),
                "t = {t}, n = {n}"
            );
        }
    }
}

/// NGD is approximately invariant to the parametrization: with a small step, the β
/// trajectories of depths 1, 2 and 3 from the same initial β stay close (they differ at
/// second order in η). The horizon (t = 0.1) is short enough that no coordinate of β reaches
/// zero, where the diagonal parametrization's Jacobian loses rank and invariance fails.
#[test]
fn ngd_is_approximately_parametrization_invariant() {
    let xt = separable(7, 12, &array![1.0, -0.5, 0.3, 0.0, 0.2], 0.2);
    let problem = ClassificationProblem::new(xt).unwrap();
    // The same initial β = (0.5, …) in every depth: w_l = β^{1/L} entrywise (positive).
    let beta0: Array1<f64> = array![0.5, 0.4, 0.3, 0.6, 0.2];
    let mut betas = Vec::new();
    for depth in 1..=3usize {
        let w = Array2::from_shape_fn((depth, 5), |(_, i)| beta0[i].powf(1.0 / depth as f64));
        let mut net = DiagonalNet::new(w).unwrap();
        let mut rule = DiagonalNgd::new(0.002, sample()).unwrap();
        for _ in 0..50 {
            rule.step(&mut net, &problem).unwrap();
        }
        betas.push(net.beta());
    }
    let scale = betas[0].dot(&betas[0]).sqrt();
    for b in &betas[1..] {
        let diff = (b - &betas[0]).dot(&(b - &betas[0])).sqrt();
        assert!(diff <= 2e-3 * scale, "relative distance {}", diff / scale);
    }
}

/// Population Fisher with M < D cannot be inverted: the step is an error, not a NaN.
#[test]
fn population_fisher_with_too_few_inputs_is_an_error() {
    let problem = ClassificationProblem::new(gaussian(8, 5, 6)).unwrap();
    let fisher = FisherChoice::Population {
        inputs: gaussian(9, 4, 6),
        cutoff: Cutoff::default(),
    };
    let mut rule = DiagonalNgd::new(0.5, fisher).unwrap();
    let mut net = DiagonalNet::new(gaussian(10, 2, 6)).unwrap();
    let err = rule.step(&mut net, &problem).unwrap_err();
    assert!(matches!(err, OptimError::Fisher(_)), "{err}");
    assert!(err.to_string().contains("M = 4"), "{err}");
}

/// Bad step sizes are rejected at construction.
#[test]
fn bad_step_sizes_are_rejected() {
    for eta in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(DiagonalNgd::new(eta, sample()).is_err());
        let mp = NaturalDirection::MoorePenrose(MpOptions::default());
        assert!(FactorizationNgd::new(eta, mp).is_err());
    }
}

/// Factorization NGD moves β by `−η G` to first order: unobserved entries move only at second
/// order in η (both directions, depths 2 and 3), while EGD moves them at first order.
#[test]
fn factorization_ngd_leaves_unobserved_entries_at_second_order() {
    let d = 6;
    let target = gaussian(11, d, d);
    let mask = random_mask(12, d, d, 10);
    let problem = CompletionProblem::new(target, mask.clone()).unwrap();
    for depth in [2usize, 3] {
        let factors: Vec<Array2<f64>> = (0..depth)
            .map(|l| Array2::<f64>::eye(d) + gaussian(20 + l as u64, d, d) * 0.2)
            .collect();
        for direction in [
            NaturalDirection::LayerSplit(Cutoff::default()),
            NaturalDirection::MoorePenrose(MpOptions::default()),
        ] {
            let mut moved = Vec::new();
            for eta in [1e-3, 2e-3] {
                let mut model = MatrixFactorization::new(factors.clone()).unwrap();
                let before = model.product();
                let mut rule = FactorizationNgd::new(eta, direction).unwrap();
                rule.step(&mut model, &problem).unwrap();
                let change: Array2<f64> = model.product() - &before;
                let unobserved: f64 = change
                    .iter()
                    .zip(mask.iter())
                    .filter(|(_, m)| **m == 0.0)
                    .map(|(c, _)| c.abs())
                    .fold(0.0, f64::max);
                moved.push(unobserved);
            }
            // Second order: doubling η multiplies the change by ≈ 4 (allow 3.5–4.5).
            let ratio = moved[1] / moved[0];
            assert!((3.5..=4.5).contains(&ratio), "depth {depth}: ratio {ratio}");
        }
    }
}

/// One NGD step with η = 1 on a depth-1 factorization fits the observed entries exactly.
#[test]
fn depth_one_factorization_ngd_fits_observed_entries() {
    let target = gaussian(13, 4, 4);
    let mask = random_mask(14, 4, 4, 7);
    let problem = CompletionProblem::new(target.clone(), mask.clone()).unwrap();
    let init = gaussian(15, 4, 4) * 0.1;
    let mut model = MatrixFactorization::new(vec![init.clone()]).unwrap();
    let mut rule =
        FactorizationNgd::new(1.0, NaturalDirection::MoorePenrose(MpOptions::default())).unwrap();
    rule.step(&mut model, &problem).unwrap();
    let beta = model.product();
    let expected: Array2<f64> = &mask * &target + &(1.0 - &mask) * &init;
    let err: Array1<f64> = (&beta - &expected).iter().map(|e| e.abs()).collect();
    assert!(err.iter().all(|&e| e <= 1e-14), "{err}");
}

/// Backtracking NGD (Moore–Penrose, depth 2, Sylvester route) from Arora et al.'s tiny
/// initialization (scale 1e-3) decreases the loss at every step and fits the observed entries.
/// (It does not keep the unobserved entries at their initial values: from a tiny init the
/// second-order terms of a finite step, `η² G_1 G_2 ~ η² ‖G‖² / σ_min(W)⁴`, are large even when
/// the loss decreases, so discrete NGD is far from NGF there; measured drift ≈ 0.27 here.)
#[test]
fn backtracking_ngd_decreases_the_loss_and_fits_from_tiny_init() {
    use ngd_optim::{Executor, LogSchedule, NgdStepSize, Observation, Resume};
    use std::ops::ControlFlow;
    let d = 10;
    let target = gaussian(30, d, d);
    let mask = random_mask(31, d, d, 30);
    let problem = CompletionProblem::new(target.clone(), mask.clone()).unwrap();
    let std = f64::powf(1e-3, 0.5) / (d as f64).sqrt();
    let factors: Vec<Array2<f64>> = (0..2).map(|l| gaussian(40 + l, d, d) * std).collect();
    let mut model = MatrixFactorization::new(factors).unwrap();
    let mut rule = FactorizationNgd::with_step_size(
        NgdStepSize::Backtracking { max: 0.5 },
        NaturalDirection::MoorePenrose(MpOptions::default()),
    )
    .unwrap();
    let mut losses = Vec::new();
    let mut observer = |o: &Observation<'_, MatrixFactorization>| {
        losses.push(o.loss);
        ControlFlow::Continue(())
    };
    let outcome = Executor::new(2000)
        .loss_below(1e-12)
        .schedule(LogSchedule::new(20).unwrap())
        .run(
            &mut rule,
            &mut model,
            &problem,
            Resume::default(),
            &mut observer,
        )
        .unwrap();
    assert!(
        losses.windows(2).all(|w| w[1] <= w[0]),
        "loss increased: {losses:?}"
    );
    let fit = ((&model.product() - &target) * &mask)
        .iter()
        .map(|x| x.abs())
        .fold(0.0, f64::max);
    assert!(fit <= 1e-5, "observed misfit {fit:e} ({outcome:?})");
}

/// Relative cap: from a tiny initialization every step is cut to `η_t = c · min_i ‖W_i‖ /
/// ‖G_i‖` (checked against the factors' own relative moves, which must not exceed `c`, with
/// equality for the tightest factor), and from a moderate initialization the cap is not
/// binding, so the step equals the fixed-step rule's bit for bit. A non-positive cap is
/// rejected.
#[test]
fn relative_cap_bounds_every_factor_move() {
    use ngd_optim::NgdStepSize;
    let d = 6;
    let target = gaussian(50, d, d);
    let mask = random_mask(51, d, d, 12);
    let problem = CompletionProblem::new(target, mask).unwrap();
    let direction = NaturalDirection::MoorePenrose(MpOptions::default());
    let norm = |a: &Array2<f64>| a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let (max, cap) = (0.5, 0.1);
    let policy = NgdStepSize::RelativeCap { max, cap };
    // Tiny init: the cap binds.
    let tiny: Vec<Array2<f64>> = (0..2).map(|l| gaussian(60 + l, d, d) * 1e-3).collect();
    let mut model = MatrixFactorization::new(tiny.clone()).unwrap();
    let mut rule = FactorizationNgd::with_step_size(policy, direction).unwrap();
    let report = rule.step(&mut model, &problem).unwrap();
    assert!(rule.last_step_capped() && rule.last_failure().is_none());
    assert!(report.step_size < max, "η_t = {}", report.step_size);
    let moves: Vec<f64> = tiny
        .iter()
        .zip(model.factors())
        .map(|(before, after)| norm(&(after - before)) / norm(before))
        .collect();
    let tightest = moves.iter().copied().fold(0.0, f64::max);
    assert!(
        (tightest - cap).abs() <= 1e-12 && moves.iter().all(|&m| m <= cap * (1.0 + 1e-12)),
        "relative moves {moves:?}"
    );
    // Moderate init with a small maximum: not capped, identical to the fixed step.
    let factors: Vec<Array2<f64>> = (0..2)
        .map(|l| Array2::<f64>::eye(d) + gaussian(70 + l, d, d) * 0.2)
        .collect();
    let small = 1e-4;
    let mut capped = MatrixFactorization::new(factors.clone()).unwrap();
    let mut fixed = MatrixFactorization::new(factors).unwrap();
    let policy = NgdStepSize::RelativeCap { max: small, cap };
    let mut rule = FactorizationNgd::with_step_size(policy, direction).unwrap();
    let report = rule.step(&mut capped, &problem).unwrap();
    assert!(!rule.last_step_capped());
    assert_eq!(report.step_size, small);
    FactorizationNgd::new(small, direction)
        .unwrap()
        .step(&mut fixed, &problem)
        .unwrap();
    assert_eq!(capped.factors(), fixed.factors());
    for bad in [0.0, -0.1, f64::NAN, f64::INFINITY] {
        let policy = NgdStepSize::RelativeCap { max, cap: bad };
        assert!(FactorizationNgd::with_step_size(policy, direction).is_err());
    }
}
