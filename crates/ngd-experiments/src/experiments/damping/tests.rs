//! Tests of `damping`: config checks name the field, the λ → 0 / λ → ∞ ends at the level of the
//! experiment's runs, and a shrunken quick preset end to end through the runner.

use super::claims::angle_deg;
use super::*;
use ngd_harness::context::CheckpointEvery;
use ngd_harness::runner::{JobInfo, RunnerOptions, execute};

/// A shrunken quick preset (seconds in release).
fn tiny() -> DampingConfig {
    DampingConfig {
        tasks: TaskConfig {
            sparse_dim: 12,
            sparsity: 2,
            sparse_n: vec![6, 30],
            n_test: 300,
            ..TaskConfig::quick()
        },
        lambdas: vec![1e-4, 1e-2],
        rhos: vec![1e-8, 1.0, 1e4],
        ngd_steps: 150,
        egd_steps: 200,
        egd_fixed_steps: 20_000,
        points_per_decade: 4,
        ..DampingConfig::preset(false)
    }
}

/// A context for one run outside the runner (no checkpoints).
pub(crate) fn context(id: &str, dir: &std::path::Path) -> RunContext<'static> {
    RunContext::new(
        id,
        7,
        "fp".into(),
        dir.join(format!("{id}.ckpt")),
        CheckpointEvery::Never,
        false,
        Box::new(|_| {}),
    )
}

fn run(c: &DampingConfig, task: Task, depth: usize, method: Method) -> Trajectory {
    let params = DampingParams {
        task,
        depth,
        method,
    };
    let spec = RunSpec {
        id: run_id(&params),
        cost: 1,
        params,
    };
    let dir = tempfile::tempdir().unwrap();
    DampingExperiment
        .run(c, &spec, &mut context(&spec.id, dir.path()))
        .unwrap()
}

/// The largest angle between two trajectories at the steps both recorded, and how many.
fn largest_angle(a: &Trajectory, b: &Trajectory) -> (f64, usize) {
    let pairs: Vec<f64> = a
        .points
        .iter()
        .filter_map(|p| {
            b.points
                .iter()
                .find(|q| q.step == p.step)
                .map(|q| angle_deg(&p.beta, &q.beta))
        })
        .collect();
    (pairs.iter().copied().fold(0.0, f64::max), pairs.len())
}

/// A change that spoils one field of the config.
type Spoil = Box<dyn Fn(&mut DampingConfig)>;

#[test]
fn bad_values_are_errors_naming_the_field() {
    let cases: Vec<(&str, Spoil)> = vec![
        ("depths", Box::new(|c| c.depths = vec![2, 2])),
        ("lambdas", Box::new(|c| c.lambdas = vec![1e-2, 1e-4])),
        ("rhos", Box::new(|c| c.rhos = vec![0.0, 1.0])),
        (
            "ngd_learning_rates",
            Box::new(|c| c.ngd_learning_rates = vec![1.0]),
        ),
        (
            "egd_learning_rates",
            Box::new(|c| c.egd_learning_rates = vec![0.05, f64::NAN]),
        ),
        ("loss_floor", Box::new(|c| c.loss_floor = 1.0)),
        ("tasks.sparsity", Box::new(|c| c.tasks.sparsity = 0)),
        (
            "tasks.sparse_n",
            Box::new(|c| c.tasks.sparse_n = vec![30, 6]),
        ),
        ("tasks.init_scale", Box::new(|c| c.tasks.init_scale = -1.0)),
    ];
    for (field, spoil) in cases {
        let mut c = DampingConfig::preset(false);
        spoil(&mut c);
        let message = DampingExperiment.validate(&c).unwrap_err().to_string();
        assert!(message.contains(field), "{field}: {message}");
    }
    for paper in [false, true] {
        DampingExperiment
            .validate(&DampingConfig::preset(paper))
            .unwrap();
    }
}

/// `λ → 0⁺`: relative damping `ρ` moves every step by `O(ρ·κ)` relative from exact NGD's; at
/// `ρ = 1e-12` that is below the round-off of the two routes (kernel / weighted least squares
/// vs the damped SVD, `κε` per step over a few hundred steps at `κ` up to `~1e6`), so the
/// trajectories agree to `1e-4°` (`1.7e-6` rad). `λ → ∞` with the step `η·λ_t/L`:
/// `λ(F + λI)⁻¹∇ = ∇ − O(‖F‖/λ)`, so at `ρ = 1e10` the run is loss-normalized EGD to the same
/// tolerance. The two ends themselves differ by degrees (checked), so the test can fail.
#[test]
fn damped_runs_follow_ngd_and_egd_at_the_two_ends() {
    let c = tiny();
    for (task, depth) in [
        (Task::Toy, 1),
        (Task::Toy, 2),
        (Task::Sparse { n: 6 }, 1),
        (Task::Sparse { n: 30 }, 2),
    ] {
        let ngd = run(&c, task, depth, Method::Ngd);
        let small = run(&c, task, depth, Method::Relative { rho: 1e-12 });
        let (angle, count) = largest_angle(&small, &ngd);
        assert!(
            count >= 5 && angle < 1e-4,
            "{task} L={depth}: λ → 0 angle {angle:e}° over {count}"
        );
        let egd = run(&c, task, depth, Method::Egd);
        let large = run(&c, task, depth, Method::RelativeLimit { rho: 1e10 });
        let (angle, count) = largest_angle(&large, &egd);
        assert!(
            count >= 5 && angle < 1e-4,
            "{task} L={depth}: λ → ∞ angle {angle:e}° over {count}"
        );
        let ends = angle_deg(&ngd.end().unwrap().beta, &egd.end().unwrap().beta);
        assert!(
            ends > 1.0,
            "{task} L={depth}: NGD and EGD ends only {ends}° apart"
        );
    }
}

#[test]
fn shrunken_quick_preset_runs_end_to_end() {
    let c = tiny();
    DampingExperiment.validate(&c).unwrap();
    let (dir, outcome, summary) = run_through_runner(&DampingExperiment, &c);
    let root = dir.path().join("damping");
    for f in [
        "damping_trace.csv",
        "damping_runs.csv",
        "damping_map_angle_egd.png",
        "damping_rho_accuracy.svg",
    ] {
        assert!(root.join(f).exists(), "{f} missing");
    }
    let ids: Vec<&str> = summary.claims.iter().map(|c| &c.claim[..2]).collect();
    assert_eq!(ids, ["D1", "D2", "D3", "D4", "D5"]);
    let runs = std::fs::read_to_string(root.join("damping_runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + outcome.executed);
    assert!(
        outcome.undocumented.is_empty(),
        "{:?}",
        outcome.undocumented
    );
    assert_peak_above_data(DampingExperiment.peak_bytes(&c), &c.tasks);
}

/// Asserts a memory estimate exists and exceeds the bytes of the largest task's data
/// (training and test inputs).
pub(crate) fn assert_peak_above_data(peak: Option<u64>, tasks: &TaskConfig) {
    let peak = peak.expect("a memory estimate");
    let largest_n = tasks.sparse_n.iter().copied().max().unwrap_or(20);
    let data = ngd_harness::memory::f64_bytes(&[
        (largest_n + tasks.n_test) as u64,
        tasks.sparse_dim as u64,
    ]);
    assert!(peak > data, "estimate {peak} B ≤ data {data} B");
}

/// Runs `experiment` with config `c` through the runner (2 workers) into a temporary folder;
/// returns the folder, the outcome and the summary.
pub(crate) fn run_through_runner<E: Experiment>(
    experiment: &E,
    c: &E::Config,
) -> (
    tempfile::TempDir,
    ngd_harness::runner::Outcome,
    ExperimentSummary,
) {
    let dir = tempfile::tempdir().unwrap();
    let job = JobInfo {
        preset: "quick".into(),
        seed: 3,
        out: dir.path().to_path_buf(),
        revision: crate::GIT_REVISION.into(),
    };
    let opts = RunnerOptions {
        jobs: 2,
        resume: false,
        checkpoint_every: CheckpointEvery::Never,
        cancel: None,
    };
    let outcome = execute(experiment, c, &job, &opts, None).unwrap();
    let summary_path = dir.path().join(experiment.name()).join("summary.json");
    let summary = serde_json::from_slice(&std::fs::read(summary_path).unwrap()).unwrap();
    (dir, outcome, summary)
}

/// Regression: with budgets too short for any relative-damping run to converge, the ρ plots
/// draw those runs hollow instead of dropping them — `finish` failed with "no plottable x
/// values" and the whole folder was lost (seen with every step budget cut to 2).
#[test]
fn a_folder_is_written_when_no_damped_run_converges() {
    let c = DampingConfig {
        ngd_steps: 2,
        egd_steps: 2,
        egd_fixed_steps: 2,
        ..tiny()
    };
    let (dir, _, summary) = run_through_runner(&DampingExperiment, &c);
    let root = dir.path().join("damping");
    let runs = std::fs::read_to_string(root.join("damping_runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let converged = header.iter().position(|h| *h == "converged").unwrap();
    let any_converged = runs
        .lines()
        .skip(1)
        .any(|l| l.split(',').nth(converged) == Some("true"));
    assert!(
        !any_converged,
        "a 2-step run converged; the test needs none"
    );
    for f in ["damping_rho_angle_ngd.svg", "damping_rho_accuracy.svg"] {
        let svg = std::fs::read_to_string(root.join(f)).unwrap();
        assert!(
            svg.contains("not converged"),
            "{f} has no hollow-marker key"
        );
    }
    assert_eq!(summary.claims.len(), 5);
}
