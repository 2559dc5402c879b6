//! EGD steps against central finite differences, the normalized-step formula, and the batched
//! rule against separate runs.

mod common;

use common::{gaussian, random_mask, separable};
use ndarray::{Array2, array};
use ngd_models::{DiagonalNet, MatrixFactorization};
use ngd_optim::*;

/// The step `w_t − w_{t+1}` of a fixed-step rule is `η ∇L(w_t)`; compare with central
/// differences of the loss (h = 1e-6; tolerance 1e-7 relative to the largest component).
#[test]
fn diagonal_step_is_eta_times_finite_difference_gradient() {
    let xt = separable(1, 12, &array![1.0, -2.0, 0.5, 0.0], 0.0);
    let problem = ClassificationProblem::new(xt).unwrap();
    for depth in 1..=3 {
        let net = DiagonalNet::new(gaussian(2 + depth as u64, depth, 4)).unwrap();
        let eta = 0.1;
        let mut rule = DiagonalEgd::new(DiagonalStep::Fixed(eta), depth, 4).unwrap();
        let mut moved = net.clone();
        let report = rule.step(&mut moved, &problem).unwrap();
        assert_eq!(report.loss, problem.loss(&net).unwrap());
        let step = (&net.weights() - &moved.weights()) / eta;
        let h = 1e-6;
        let mut worst: f64 = 0.0;
        for ((l, i), &g) in step.indexed_iter() {
            let mut plus = net.clone();
            plus.weights_mut()[[l, i]] += h;
            let mut minus = net.clone();
            minus.weights_mut()[[l, i]] -= h;
            let fd = (problem.loss(&plus).unwrap() - problem.loss(&minus).unwrap()) / (2.0 * h);
            worst = worst.max((fd - g).abs());
        }
        let scale = step.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        assert!(worst <= 1e-7 * scale.max(1.0), "depth {depth}: {worst:e}");
        let norm = step.iter().map(|g| g * g).sum::<f64>().sqrt();
        assert!((report.gradient_norm - norm).abs() <= 1e-9 * norm);
    }
}

#[test]
fn factorization_step_is_eta_times_finite_difference_gradient() {
    let target = gaussian(1, 4, 1).dot(&gaussian(2, 1, 4));
    let problem = CompletionProblem::new(target, random_mask(3, 4, 4, 10)).unwrap();
    let factors: Vec<Array2<f64>> = (0..3).map(|l| gaussian(10 + l, 4, 4) * 0.7).collect();
    let model = MatrixFactorization::new(factors).unwrap();
    let eta = 0.01;
    let mut rule = FactorizationEgd::new(FactorizationStep::Fixed(eta)).unwrap();
    let mut moved = model.clone();
    rule.step(&mut moved, &problem).unwrap();
    let h = 1e-6;
    let mut worst: f64 = 0.0;
    let mut scale: f64 = 0.0;
    for layer in 0..3 {
        let step = (&model.factors()[layer] - &moved.factors()[layer]) / eta;
        for ((i, j), &g) in step.indexed_iter() {
            let mut plus = model.clone();
            plus.factors_mut()[layer][[i, j]] += h;
            let mut minus = model.clone();
            minus.factors_mut()[layer][[i, j]] -= h;
            let fd = (problem.loss(&plus).unwrap() - problem.loss(&minus).unwrap()) / (2.0 * h);
            worst = worst.max((fd - g).abs());
            scale = scale.max(g.abs());
        }
    }
    assert!(worst <= 1e-6 * scale.max(1.0), "{worst:e} (scale {scale})");
}

/// First normalized step: `v̂_1 = g_1²`, so `η_1 = lr / g_1`; the second follows the formula.
#[test]
fn normalized_step_follows_its_formula() {
    let target = gaussian(4, 5, 5);
    let problem = CompletionProblem::new(target, random_mask(5, 5, 5, 15)).unwrap();
    let mut model = MatrixFactorization::new(vec![gaussian(6, 5, 5), gaussian(7, 5, 5)]).unwrap();
    let (lr, rho) = (1e-3, 0.9);
    let mut rule = FactorizationEgd::new(FactorizationStep::Normalized { lr, decay: rho }).unwrap();
    let first = rule.step(&mut model, &problem).unwrap();
    assert!((first.step_size - lr / first.gradient_norm).abs() <= 1e-15 * first.step_size);
    let second = rule.step(&mut model, &problem).unwrap();
    let v = rho * (1.0 - rho) * first.gradient_norm.powi(2)
        + (1.0 - rho) * second.gradient_norm.powi(2);
    let expected = lr / (v / (1.0 - rho * rho)).sqrt();
    assert!((second.step_size - expected).abs() <= 1e-14 * expected);
}

/// K models of depths 1–4 stepped together equal K separate runs, bit for bit (both go through
/// the same per-row kernels of `ngd_models::logistic_loss`).
#[test]
fn batch_equals_separate_runs() {
    let xt = separable(9, 30, &array![1.0, 0.0, -1.0, 0.5, 0.0, 0.2], 0.05);
    let problem = ClassificationProblem::new(xt).unwrap();
    let starts: Vec<DiagonalNet> = (1..=4)
        .map(|l| DiagonalNet::new(gaussian(20 + l as u64, l, 6) * 0.5).unwrap())
        .collect();
    let steps = vec![
        DiagonalStep::Fixed(0.5),
        DiagonalStep::LossNormalized(0.05),
        DiagonalStep::Fixed(0.2),
        DiagonalStep::LossNormalized(0.01),
    ];
    let executor = Executor::new(200);
    let mut batch = starts.clone();
    let mut rule = BatchEgd::new(steps.clone()).unwrap();
    executor
        .run(
            &mut rule,
            &mut batch,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .unwrap();
    for ((start, step), batched) in starts.into_iter().zip(steps).zip(&batch) {
        let mut single = start;
        let mut rule = DiagonalEgd::new(step, single.depth(), 6).unwrap();
        executor
            .run(
                &mut rule,
                &mut single,
                &problem,
                Resume::fresh(),
                &mut NoObserver,
            )
            .unwrap();
        assert_eq!(&single, batched, "depth {}", single.depth());
    }
}

#[test]
fn mismatched_shapes_are_errors() {
    let problem = ClassificationProblem::new(Array2::ones((3, 4))).unwrap();
    let mut net = DiagonalNet::new(Array2::ones((2, 5))).unwrap();
    let mut rule = DiagonalEgd::new(DiagonalStep::Fixed(0.1), 2, 5).unwrap();
    assert!(matches!(
        rule.step(&mut net, &problem),
        Err(OptimError::Shape { .. })
    ));
    let mut batch = BatchEgd::new(vec![DiagonalStep::Fixed(0.1)]).unwrap();
    let mut two = vec![DiagonalNet::new(Array2::ones((1, 4))).unwrap(); 2];
    assert!(batch.step(&mut two, &problem).is_err());
    assert!(
        ClassificationProblem::from_labels(Array2::ones((2, 2)).view(), array![1.0, 0.5].view())
            .is_err()
    );
    assert!(CompletionProblem::new(Array2::ones((2, 2)), Array2::from_elem((2, 2), 0.5)).is_err());
}
