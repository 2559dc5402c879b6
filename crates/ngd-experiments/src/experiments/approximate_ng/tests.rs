//! Tests of `approximate-ng`: config checks name the field, the undamped empirical-Fisher run
//! blows up at the flow's `t* = log 2` (to the discretization's `O(η)`), and a shrunken quick
//! preset runs end to end through the runner.

use super::*;
use crate::experiments::damping::Task;
use crate::experiments::damping::tests::{assert_peak_above_data, context, run_through_runner};
use ngd_harness::context::CheckpointEvery;

/// A shrunken quick preset (seconds in release).
fn tiny() -> ApproximateConfig {
    ApproximateConfig {
        tasks: crate::experiments::damping::TaskConfig {
            sparse_dim: 12,
            sparsity: 2,
            sparse_n: vec![6, 30],
            n_test: 300,
            ..crate::experiments::damping::TaskConfig::quick()
        },
        steps: 150,
        invariance_steps: 20,
        deep_hidden: vec![4],
        points_per_decade: 4,
        ..ApproximateConfig::preset(false)
    }
}

/// A change that spoils one field of the config.
type Spoil = Box<dyn Fn(&mut ApproximateConfig)>;

#[test]
fn bad_values_are_errors_naming_the_field() {
    let cases: Vec<(&str, Spoil)> = vec![
        ("depths", Box::new(|c| c.depths = vec![1, 3])),
        ("kfac_rho", Box::new(|c| c.kfac_rho = 0.0)),
        ("deep_hidden", Box::new(|c| c.deep_hidden = vec![0])),
        (
            "invariance_damped_rhos",
            Box::new(|c| c.invariance_damped_rhos = vec![]),
        ),
        (
            "tasks.sparse_n",
            Box::new(|c| c.tasks.sparse_n = vec![20, 30]),
        ),
        (
            "blow_up_learning_rate",
            Box::new(|c| c.blow_up_learning_rate = f64::INFINITY),
        ),
        ("steps", Box::new(|c| c.steps = 0)),
    ];
    for (field, spoil) in cases {
        let mut c = ApproximateConfig::preset(false);
        spoil(&mut c);
        let message = ApproximateNg.validate(&c).unwrap_err().to_string();
        assert!(message.contains(field), "{field}: {message}");
    }
    for paper in [false, true] {
        ApproximateNg
            .validate(&ApproximateConfig::preset(paper))
            .unwrap();
    }
}

/// From `β = 0` every margin follows `u_{k+1} = u_k + η(1 + e^{u_k})`, whose flow blows up at
/// `t* = log 2`; the Euler iteration lags the flow by `O(η)` steps and overflows a few steps
/// after `e^u η` passes `~700`, so the detected step lies within `t*/η + O(1) + O(log(1/η))`.
#[test]
fn undamped_empirical_fisher_blows_up_near_log_2() {
    let c = tiny();
    let params = ApproxParams::BlowUp;
    let spec = RunSpec {
        id: run_id(&params),
        cost: 1,
        params,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = context(&spec.id, dir.path());
    let out = ApproximateNg.run(&c, &spec, &mut ctx).unwrap();
    let k = out.diverged_at.expect("the undamped run diverges") as f64;
    let (eta, t_star) = (c.blow_up_learning_rate, std::f64::consts::LN_2);
    assert!(
        (k * eta - t_star).abs() <= 2.0 * eta + 0.05 * t_star,
        "k·η = {} vs log 2",
        k * eta
    );
    // Before the blow-up the loss follows the flow's log 2 − t to O(η).
    let trajectory = out.trajectory.unwrap();
    for p in trajectory.points.iter().filter(|p| p.time < 0.5) {
        assert!(
            (p.loss - (t_star - p.time)).abs() < 2.0 * eta,
            "t = {}: {}",
            p.time,
            p.loss
        );
    }
}

#[test]
fn shrunken_quick_preset_runs_end_to_end() {
    let c = tiny();
    ApproximateNg.validate(&c).unwrap();
    let (dir, outcome, summary) = run_through_runner(&ApproximateNg, &c);
    // 3 tasks × 2 depths × 5 methods, 6 invariance runs, the blow-up, 3 deep-linear runs.
    assert_eq!(outcome.executed, 30 + 6 + 1 + 3);
    let root = dir.path().join("approximate-ng");
    for f in [
        "approx_runs.csv",
        "approx_trace.csv",
        "approx_blowup.png",
        "approx_accuracy_sparse-N6.svg",
    ] {
        assert!(root.join(f).exists(), "{f} missing");
    }
    let ids: Vec<&str> = summary.claims.iter().map(|c| &c.claim[..2]).collect();
    assert_eq!(ids, ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]);
    // The diagonal Fisher is exactly invariant to a diagonal rescaling (A3's first half).
    let a3 = &summary.claims[2];
    assert!(a3.measured.contains("diagonal A"), "{}", a3.measured);
    let runs = std::fs::read_to_string(root.join("approx_runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + outcome.executed);
    assert!(
        outcome.undocumented.is_empty(),
        "{:?}",
        outcome.undocumented
    );
    assert_peak_above_data(ApproximateNg.peak_bytes(&c), &c.tasks);
}

/// A training run restored from a mid-run checkpoint (after the first 200-step segment) ends
/// bit-identical to an uninterrupted run, the backtracking step's memory included.
#[test]
fn resumed_training_run_is_bit_identical() {
    let c = ApproximateConfig {
        steps: 450,
        loss_floor: 0.0,
        ..tiny()
    };
    let params = ApproxParams::Train {
        task: Task::Sparse { n: 6 },
        depth: 2,
        method: Approx::Diagonal,
    };
    let spec = RunSpec {
        id: run_id(&params),
        cost: 1,
        params,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ckpt.json");
    let ctx = |every, resume| {
        RunContext::new(
            &spec.id,
            5,
            "fp".into(),
            path.clone(),
            every,
            resume,
            Box::new(|_| {}),
        )
    };
    let full = ApproximateNg
        .run(&c, &spec, &mut ctx(CheckpointEvery::Steps(100), false))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"step\": 400"),
        "{}",
        &text[..80.min(text.len())]
    );
    let resumed = ApproximateNg
        .run(&c, &spec, &mut ctx(CheckpointEvery::Never, true))
        .unwrap();
    assert_eq!(full, resumed);
    assert_eq!(full.trajectory.unwrap().end().unwrap().step, 450);
}
