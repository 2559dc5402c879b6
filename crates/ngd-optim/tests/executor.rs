//! Stopping rules, observation schedule and bit-identical resumption of the run loop.

mod common;

use common::{gaussian, random_mask, separable};
use ndarray::{Array2, array};
use ngd_models::{DiagonalNet, MatrixFactorization};
use ngd_optim::*;
use std::ops::ControlFlow;

fn completion(seed: u64) -> (CompletionProblem, MatrixFactorization) {
    let target = gaussian(seed, 6, 2).dot(&gaussian(seed + 1, 2, 6));
    let mask = random_mask(seed + 2, 6, 6, 24);
    let problem = CompletionProblem::new(target, mask).unwrap();
    let factors = (0..3)
        .map(|l| gaussian(seed + 10 + l, 6, 6) * 0.3)
        .collect();
    (problem, MatrixFactorization::new(factors).unwrap())
}

#[test]
fn huge_step_diverges_with_step_and_cause() {
    let (problem, mut model) = completion(1);
    let mut rule = FactorizationEgd::new(FactorizationStep::Fixed(10.0)).unwrap();
    let outcome = Executor::new(1000)
        .run(
            &mut rule,
            &mut model,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .unwrap();
    let Stop::Diverged { step, cause } = outcome.stop else {
        panic!("expected divergence, got {outcome:?}");
    };
    assert!(step > 0 && step < 1000, "step {step}");
    assert!(
        matches!(cause, DivergenceCause::LossGrowth { .. }),
        "{cause:?}"
    );
    assert_eq!(outcome.final_loss, None);
    // Without the growth test, depth 1 (residual × (1 − η) = −9 per step) ends on a
    // non-finite value after ≈ 320 steps: still an outcome, not a panic.
    let (problem, _) = completion(1);
    let mut model = MatrixFactorization::new(vec![gaussian(3, 6, 6)]).unwrap();
    let mut rule = FactorizationEgd::new(FactorizationStep::Fixed(10.0)).unwrap();
    let outcome = Executor::new(1000)
        .divergence_factor(None)
        .run(
            &mut rule,
            &mut model,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .unwrap();
    assert!(
        matches!(
            outcome.stop,
            Stop::Diverged {
                cause: DivergenceCause::NonFiniteLoss | DivergenceCause::NonFiniteParameters,
                ..
            }
        ),
        "{outcome:?}"
    );
}

#[test]
fn loss_threshold_stops() {
    let xt = separable(3, 20, &array![1.0, -1.0, 0.5], 0.2);
    let problem = ClassificationProblem::new(xt).unwrap();
    let mut net = DiagonalNet::new(Array2::zeros((1, 3))).unwrap();
    let mut rule = DiagonalEgd::new(DiagonalStep::Fixed(1.0), 1, 3).unwrap();
    let outcome = Executor::new(100_000)
        .loss_below(1e-2)
        .run(
            &mut rule,
            &mut net,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .unwrap();
    let Stop::LossBelow { step, loss } = outcome.stop else {
        panic!("expected the threshold to stop the run: {outcome:?}");
    };
    assert!(loss <= 1e-2 && step + 1 == outcome.step && step < 100_000);
    assert!(
        outcome.final_loss.unwrap() <= loss,
        "loss decreases on this run"
    );
}

#[test]
fn observers_fire_on_schedule_and_at_the_last_step() {
    let xt = separable(4, 10, &array![1.0, 2.0], 0.1);
    let problem = ClassificationProblem::new(xt).unwrap();
    let mut net = DiagonalNet::new(Array2::from_elem((2, 2), 0.1)).unwrap();
    let mut rule = DiagonalEgd::new(DiagonalStep::Fixed(0.1), 2, 2).unwrap();
    let schedule = LogSchedule::new(4).unwrap();
    let mut seen = Vec::new();
    let mut observer = |o: &Observation<'_, DiagonalNet>| {
        assert_eq!(o.last_report.is_none(), o.step == 0);
        seen.push(o.step);
        ControlFlow::Continue(())
    };
    let outcome = Executor::new(120)
        .schedule(schedule)
        .run(
            &mut rule,
            &mut net,
            &problem,
            Resume::fresh(),
            &mut observer,
        )
        .unwrap();
    assert_eq!(outcome.stop, Stop::Budget);
    assert_eq!(seen, schedule.steps_through(120));
    assert_eq!(seen.last(), Some(&120));

    // An observer can stop the run at a scheduled step.
    let mut stop_at_ten = |o: &Observation<'_, DiagonalNet>| {
        if o.step >= 10 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let outcome = Executor::new(120)
        .schedule(schedule)
        .run(
            &mut rule,
            &mut net,
            &problem,
            Resume::fresh(),
            &mut stop_at_ten,
        )
        .unwrap();
    assert_eq!((outcome.stop, outcome.step), (Stop::Observer, 10));
}

#[test]
fn resumed_diagonal_run_is_bit_identical() {
    let xt = separable(5, 15, &array![1.0, -0.5, 0.3, 0.0], 0.1);
    let problem = ClassificationProblem::new(xt).unwrap();
    let start = DiagonalNet::new(gaussian(6, 3, 4) * 0.5).unwrap();
    let step = DiagonalStep::LossNormalized(0.05);
    let run = |net: &mut DiagonalNet, from: Resume, budget: usize| {
        let mut rule = DiagonalEgd::new(step, 3, 4).unwrap();
        Executor::new(budget)
            .run(&mut rule, net, &problem, from, &mut NoObserver)
            .unwrap()
    };
    let mut straight = start.clone();
    let whole = run(&mut straight, Resume::fresh(), 300);
    let mut resumed = start;
    let first = run(&mut resumed, Resume::fresh(), 137);
    let mut restored = resumed.clone(); // the checkpoint
    let second = run(&mut restored, first.resume(), 300);
    assert_eq!(restored.weights(), straight.weights());
    assert_eq!(second, whole);
}

#[test]
fn resumed_normalized_factorization_run_is_bit_identical() {
    let (problem, start) = completion(7);
    let executor = Executor::new(200);
    let mut rule = FactorizationEgd::new(FactorizationStep::normalized(1e-2)).unwrap();
    let mut straight = start.clone();
    let whole = executor
        .run(
            &mut rule,
            &mut straight,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .unwrap();

    let mut rule = FactorizationEgd::new(FactorizationStep::normalized(1e-2)).unwrap();
    let mut model = start;
    let first = Executor::new(90)
        .run(
            &mut rule,
            &mut model,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .unwrap();
    let (checkpoint, state) = (model.clone(), rule.state());
    let mut restored_rule = FactorizationEgd::new(FactorizationStep::normalized(1e-2)).unwrap();
    restored_rule.set_state(state);
    let mut restored = checkpoint;
    let second = executor
        .run(
            &mut restored_rule,
            &mut restored,
            &problem,
            first.resume(),
            &mut NoObserver,
        )
        .unwrap();
    assert_eq!(restored, straight);
    assert_eq!(second, whole);
}

#[test]
fn bad_configuration_is_an_error() {
    let (problem, mut model) = completion(2);
    let mut rule = FactorizationEgd::new(FactorizationStep::Fixed(0.01)).unwrap();
    let late = Resume {
        step: 11,
        initial_loss: None,
    };
    assert!(
        Executor::new(10)
            .run(&mut rule, &mut model, &problem, late, &mut NoObserver)
            .is_err()
    );
    assert!(FactorizationEgd::new(FactorizationStep::Fixed(-1.0)).is_err());
    assert!(
        FactorizationEgd::new(FactorizationStep::Normalized {
            lr: 1.0,
            decay: 1.0
        })
        .is_err()
    );
    assert!(DiagonalEgd::new(DiagonalStep::Fixed(f64::NAN), 1, 1).is_err());
}
