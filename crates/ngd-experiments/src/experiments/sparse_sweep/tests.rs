//! Tests of the sparse sweep: checkpoint/resume of an EGD run is bit-identical, and a tiny
//! `fig6` config runs end to end through the runner with the expected files and numbers.

use super::*;
use ngd_harness::context::CheckpointEvery;
use ngd_harness::experiment::Verdict;
use ngd_harness::runner::{JobInfo, RunnerOptions, execute};

/// A tiny config (well under a second in release).
fn tiny() -> SweepConfig {
    SweepConfig {
        dim: 20,
        sparsity: 3,
        n_grid: vec![8, 30],
        n_test: 400,
        seeds: 2,
        egd_depths: [1, 2, 4, 5]
            .map(|depth| EgdDepth {
                depth,
                learning_rate: 0.05,
            })
            .to_vec(),
        egd_step: EgdStepKind::LossNormalized,
        egd_steps: 300,
        egd_loss_below: 1e-8,
        ngd_depths: vec![
            NgdDepth {
                depth: 1,
                learning_rate: 1.0,
                steps: 20,
            },
            NgdDepth {
                depth: 2,
                learning_rate: 0.01,
                steps: 200,
            },
        ],
        population_size: 200,
        population_steps: 10,
        logit_n: 8,
        logit_samples: 4,
        logit_steps: 30,
        beta_n: 30,
        beta_coords: 20,
        points_per_decade: 4,
        ..SweepConfig::fig6(false)
    }
}

/// The planned run `id` of the valid config `c`.
fn planned(c: &SweepConfig, id: &str) -> RunSpec<SweepParams> {
    FIG6.validate(c).unwrap();
    FIG6.plan(c).into_iter().find(|s| s.id == id).unwrap()
}

/// A run context of run `id` (experiment seed `seed`) with its checkpoint at `path`.
fn context(
    id: &str,
    seed: u64,
    path: &std::path::Path,
    every: CheckpointEvery,
    resume: bool,
) -> RunContext<'static> {
    RunContext::new(
        id,
        seed,
        "fp".into(),
        path.to_path_buf(),
        every,
        resume,
        Box::new(|_| {}),
    )
}

/// A run restored from a mid-run checkpoint ends bit-identical to an uninterrupted run.
#[test]
fn egd_resume_is_bit_identical() {
    let mut c = tiny();
    c.egd_loss_below = 0.0;
    c.egd_step = EgdStepKind::Fixed;
    for s in &mut c.egd_depths {
        s.learning_rate = 0.3;
    }
    c.egd_steps = 150;
    let spec = planned(&c, "egd-N30-r1");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ckpt.json");
    let ctx = |every, resume| context(&spec.id, 5, &path, every, resume);
    let full = FIG6
        .run(&c, &spec, &mut ctx(CheckpointEvery::Steps(40), false))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"step\": 120"), "{}", &text[..60]);
    let resumed = FIG6
        .run(&c, &spec, &mut ctx(CheckpointEvery::Never, true))
        .unwrap();
    assert_eq!(full, resumed);
    assert_eq!(full.models[1].steps, 150);
}

#[test]
fn tiny_fig6_runs_end_to_end() {
    let c = tiny();
    let dir = tempfile::tempdir().unwrap();
    let job = JobInfo {
        preset: "quick".into(),
        seed: 1,
        out: dir.path().to_path_buf(),
        revision: crate::GIT_REVISION.into(),
    };
    let opts = RunnerOptions {
        jobs: 2,
        resume: false,
        checkpoint_every: CheckpointEvery::Never,
        cancel: None,
    };
    let outcome = execute(&FIG6, &c, &job, &opts, None).unwrap();
    // Per (N, draw): EGD batch, NGD L=1, NGD L=2, NGD population.
    assert_eq!(outcome.executed, 2 * 2 * 4);
    assert_eq!(outcome.diverged, 0);
    assert!(
        outcome.undocumented.is_empty(),
        "{:?}",
        outcome.undocumented
    );
    let root = dir.path().join("fig6");
    for f in [
        "accuracy.csv",
        "trace.csv",
        "logits.csv",
        "beta.csv",
        "summary.json",
        "accuracy.svg",
        "accuracy.png",
        "logits.svg",
        "beta.svg",
        "egd_steps.svg",
    ] {
        assert!(root.join(f).exists(), "{f} missing");
    }
    let summary: ExperimentSummary =
        serde_json::from_slice(&std::fs::read(root.join("summary.json")).unwrap()).unwrap();
    // Theorem 4 (exact for L = 1, N ≤ D): u ← u + η(1 + e^{−u}), so late logit slopes are η·y.
    let logit = summary
        .claims
        .iter()
        .find(|c| c.claim.contains("logits"))
        .unwrap();
    // (In fig6, Fig. 4's claims are questions about D = 50: supported, not reproduced.)
    assert_eq!(logit.verdict, Verdict::Supported, "{}", logit.measured);
    let acc = std::fs::read_to_string(root.join("accuracy.csv")).unwrap();
    // 2 N × 2 draws × (4 EGD depths + 2 NGD depths + population).
    assert_eq!(acc.lines().count(), 1 + 2 * 2 * 7);
    // Fig. 6's own caption first (both readings of its deepest net, and the authors'
    // expectation as a hypothesis), then Fig. 4's claims asked as questions about D = 50.
    let own: Vec<&str> = summary.claims[..3]
        .iter()
        .map(|c| c.claim.as_str())
        .collect();
    assert!(
        own[0].contains("L = 5") && own[1].contains("L = 4"),
        "{own:?}"
    );
    assert!(own[2].contains("hypothesis"), "{own:?}");
    assert!(matches!(
        summary.claims[2].verdict,
        Verdict::Supported | Verdict::NotSupported
    ));
    for claim in &summary.claims[3..] {
        assert!(
            claim
                .claim
                .starts_with("Does Fig. 4's conclusion carry over to D = 50?"),
            "{}",
            claim.claim
        );
        assert!(
            !matches!(claim.verdict, Verdict::Reproduced | Verdict::NotReproduced),
            "{}: {:?}",
            claim.claim,
            claim.verdict
        );
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("| `accuracy.csv` |") && !readme.contains("Not documented"));
    // Every NGD run on the linear model separates its training set (train error 0).
    for line in acc.lines().filter(|l| l.contains("NGD sample L=1")) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields[8], "0.0", "{line}");
    }
    let routes = std::fs::read_to_string(root.join("manifest.json")).unwrap();
    assert!(
        routes.contains("kernel") && routes.contains("weighted"),
        "routes not recorded"
    );
}

/// Regression: a depth stopped by the loss threshold ends at the iterate that met it, and the
/// trace ends where the model ended. (A batch step measures `L(w_t)` while it moves to
/// `w_{t+1}`; the loss-normalized step taken from `L(w_t) ≈ 1e-30` is about `10³⁰ η` long. The
/// run kept `w_{t+1}`, so run `egd-N10-r0` of the quick preset reported "training loss ≤ 1e-30"
/// for L = 3 and 4 with final training losses of 143 and 11,473.)
#[test]
fn a_threshold_stop_keeps_the_iterate_that_met_the_threshold() {
    let c = SweepConfig::fig6(false);
    let spec = planned(&c, "egd-N10-r0");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ckpt.json");
    let mut ctx = context(&spec.id, 0, &path, CheckpointEvery::Never, false);
    let out = FIG6.run(&c, &spec, &mut ctx).unwrap();
    let reason = format!("training loss ≤ {:e}", c.egd_loss_below);
    let deep_stops = (out.models.iter())
        .filter(|m| m.stop == reason && m.depth >= 3)
        .count();
    assert!(deep_stops > 0, "no depth ≥ 3 stopped by the threshold");
    for (k, m) in out.models.iter().enumerate() {
        if m.stop == reason {
            assert!(
                m.train_loss <= c.egd_loss_below,
                "L = {}: stopped by \"{reason}\" at step {} with training loss {}",
                m.depth,
                m.steps,
                m.train_loss
            );
        }
        let last = out.trace.iter().rfind(|t| t.model == k).unwrap();
        assert_eq!(
            (last.step, last.train_loss),
            (m.steps, m.train_loss),
            "L = {}: the trace ends elsewhere than the model",
            m.depth
        );
    }
}
