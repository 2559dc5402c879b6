//! The executor's cancellation hook: a set flag stops the run between steps with
//! `Stop::Cancelled`, the model intact and unobserved at that step, and a resumed run continues
//! bit-identically, observing every step exactly once across the two runs.

mod common;

use common::{gaussian, separable};
use ndarray::{Array1, array};
use ngd_models::{DeepLinearNet, LinearInInput, OutputLoss};
use ngd_optim::*;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn problem() -> (NetworkProblem<LinearInInput<DeepLinearNet>>, Array1<f64>) {
    let xt = separable(2, 10, &array![0.5, 1.0, -0.4], 0.1);
    let model = LinearInInput(DeepLinearNet::new(3, &[3]).unwrap());
    let problem = NetworkProblem::new(model, xt, Array1::ones(10), OutputLoss::Logistic).unwrap();
    (problem, gaussian(12, 1, 12).row(0).to_owned() * 0.3)
}

/// Records the observed steps; sets `flag` when it observes step `cancel_at`.
fn recorder(
    steps: &mut Vec<usize>,
    flag: Arc<AtomicBool>,
    cancel_at: usize,
) -> impl FnMut(&Observation<'_, Array1<f64>>) -> ControlFlow<()> + '_ {
    move |o| {
        steps.push(o.step);
        if o.step == cancel_at {
            flag.store(true, Ordering::Relaxed);
        }
        ControlFlow::Continue(())
    }
}

#[test]
fn a_set_flag_cancels_between_steps_and_the_run_resumes_bit_identically() {
    let (problem, w0) = problem();
    let schedule = LogSchedule::new(4).unwrap();
    let mut rule = NetworkEgd::new(EgdStep::Fixed(0.2)).unwrap();
    let mut straight = w0.clone();
    let mut all_steps = Vec::new();
    let never = Arc::new(AtomicBool::new(false));
    let whole = Executor::new(200)
        .schedule(schedule)
        .run(
            &mut rule,
            &mut straight,
            &problem,
            Resume::fresh(),
            &mut recorder(&mut all_steps, never, usize::MAX),
        )
        .unwrap();
    assert_eq!(whole.stop, Stop::Budget);

    // The observer at step 18 sets the flag: step 18 is taken, the run stops before step 19.
    let flag = Arc::new(AtomicBool::new(false));
    let mut w = w0.clone();
    let mut first_steps = Vec::new();
    let cancelled = Executor::new(200)
        .schedule(schedule)
        .cancel_when(flag.clone())
        .run(
            &mut rule,
            &mut w,
            &problem,
            Resume::fresh(),
            &mut recorder(&mut first_steps, flag.clone(), 18),
        )
        .unwrap();
    assert_eq!(cancelled.stop, Stop::Cancelled);
    assert_eq!(cancelled.step, 19);
    assert_eq!(
        cancelled.final_loss,
        Some(problem.loss_value(w.view()).unwrap())
    );
    assert_eq!(first_steps.last(), Some(&18));

    let mut rest_steps = Vec::new();
    let resumed = Executor::new(200)
        .schedule(schedule)
        .run(
            &mut rule,
            &mut w,
            &problem,
            cancelled.resume(),
            &mut recorder(&mut rest_steps, flag, usize::MAX),
        )
        .unwrap();
    assert_eq!(resumed, whole);
    assert_eq!(w, straight);
    first_steps.extend(rest_steps);
    assert_eq!(first_steps, all_steps);
}

#[test]
fn a_flag_set_before_the_run_takes_no_step_and_the_budget_wins_at_the_end() {
    let (problem, w0) = problem();
    let mut rule = NetworkEgd::new(EgdStep::Fixed(0.2)).unwrap();
    let flag = Arc::new(AtomicBool::new(true));
    let mut w = w0.clone();
    let executor = Executor::new(50).cancel_when(flag);
    let outcome = executor
        .run(
            &mut rule,
            &mut w,
            &problem,
            Resume::fresh(),
            &mut NoObserver,
        )
        .unwrap();
    assert_eq!((outcome.stop, outcome.step), (Stop::Cancelled, 0));
    assert_eq!(w, w0);
    // Resumed at the budget's last step, the run ends by its budget, not by the flag.
    let at_end = Resume {
        step: 50,
        initial_loss: None,
    };
    let outcome = executor
        .run(&mut rule, &mut w, &problem, at_end, &mut NoObserver)
        .unwrap();
    assert_eq!(outcome.stop, Stop::Budget);
    assert_eq!(executor.clone(), executor);
    assert_ne!(executor, Executor::new(50));
}
