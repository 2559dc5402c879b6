//! Tests of `deep-linear`: bad config values are errors naming the field, and a shrunken config
//! runs end to end through the runner with every file and the four hypotheses judged.

use super::*;
use crate::experiments::test_support::{run_and_resume, run_in_tempdir};
use ngd_harness::experiment::Verdict;

/// A shrunken config (seconds in release).
fn tiny() -> DeepLinearConfig {
    DeepLinearConfig {
        hidden_width: 3,
        dim: 30,
        sparsity: 3,
        n_grid: vec![10, 40],
        n_test: 300,
        seeds: 1,
        egd_steps: 400,
        diagonal_steps: 400,
        ngd_n: vec![10],
        ngd_steps: 600,
        ngd_learning_rate: 0.01,
        points_per_decade: 4,
        ..DeepLinear.config(Preset::Quick)
    }
}

/// A change to a valid config.
type Edit = Box<dyn Fn(&mut DeepLinearConfig)>;

#[test]
fn presets_are_valid_and_bad_values_name_their_field() {
    for preset in [Preset::Quick, Preset::Paper] {
        DeepLinear.validate(&DeepLinear.config(preset)).unwrap();
    }
    let cases: Vec<(&str, Edit)> = vec![
        ("depths", Box::new(|c| c.depths = vec![1, 1])),
        ("depths", Box::new(|c| c.depths = vec![0])),
        (
            "egd_learning_rates",
            Box::new(|c| c.egd_learning_rates = vec![0.1]),
        ),
        (
            "egd_learning_rates",
            Box::new(|c| c.egd_learning_rates[0] = -1.0),
        ),
        (
            "toy_stop_margin",
            Box::new(|c| c.toy_stop_margin = f64::NAN),
        ),
        ("sparsity", Box::new(|c| c.sparsity = c.dim + 1)),
        ("n_grid", Box::new(|c| c.n_grid = vec![50, 20])),
        ("ngd_n", Box::new(|c| c.ngd_n = vec![7])),
        ("ngd_depth", Box::new(|c| c.ngd_depth = 1)),
        ("init_scale", Box::new(|c| c.init_scale = 0.0)),
    ];
    for (field, edit) in cases {
        let mut c = tiny();
        edit(&mut c);
        let message = DeepLinear.validate(&c).unwrap_err().to_string();
        assert!(message.contains(field), "`{field}` missing from: {message}");
    }
}

#[test]
fn tiny_deep_linear_runs_end_to_end() {
    let c = tiny();
    DeepLinear.validate(&c).unwrap();
    let (dir, outcome) = run_in_tempdir(&DeepLinear, &c, 3);
    // 4 toy runs; per N: 4 depths + the diagonal net; NGD deep and linear at N = 10.
    assert_eq!(outcome.executed, 4 + 2 * 5 + 2);
    assert_eq!(outcome.diverged, 0);
    assert!(
        outcome.undocumented.is_empty(),
        "{:?}",
        outcome.undocumented
    );
    let data_bytes = ngd_harness::memory::f64_bytes(&[(40 + c.n_test) as u64, c.dim as u64]);
    assert!(DeepLinear.peak_bytes(&c).is_some_and(|b| b > data_bytes));
    let root = dir.path().join("deep-linear");
    for f in [
        "data.csv",
        "end.csv",
        "theorem4.csv",
        "summary.json",
        "toy_angle.png",
        "accuracy.png",
        "sparse_angle.png",
    ] {
        assert!(root.join(f).exists(), "{f} missing");
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("| `theorem4.csv` |") && !readme.contains("Not documented"));
    let summary: ExperimentSummary =
        serde_json::from_slice(&std::fs::read(root.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary.claims.len(), 4);
    for (claim, prefix) in summary.claims.iter().zip(["L1", "L2", "L3", "L4"]) {
        assert!(claim.claim.starts_with(prefix), "{}", claim.claim);
        assert!(!claim.measured.is_empty(), "{prefix}: nothing measured");
    }
    // The toy set is reached to 1° at every depth at margin 10⁶ (L1's toy half).
    let l1 = &summary.claims[0];
    for depth in 1..=4 {
        let toy = format!("L = {depth}: toy ");
        let angle: f64 = l1
            .measured
            .split(&toy)
            .nth(1)
            .unwrap()
            .split('°')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(angle < 1.0, "{}", l1.measured);
    }
    // Theorem 4 holds to first order: the logits agree far better than β does.
    let t4 = std::fs::read_to_string(root.join("theorem4.csv")).unwrap();
    let row: Vec<f64> = t4
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(row[1] < 1e-2, "training logits differ by {}", row[1]);
    assert_ne!(
        summary.claims[2].verdict,
        Verdict::NotJudged,
        "{:?}",
        summary.claims[2]
    );
}

/// A run of the shared network trainer restored from a mid-run checkpoint ends bit-identical
/// to an uninterrupted run.
#[test]
fn restored_network_run_matches_uninterrupted_run() {
    let mut c = tiny();
    c.egd_loss_below = 0.0;
    c.egd_steps = 230;
    let spec = DeepLinear
        .plan(&c)
        .into_iter()
        .find(|s| s.id == "egd-L3-N10-r0")
        .unwrap();
    let (full, resumed) = run_and_resume(&DeepLinear, &c, &spec, 100, 200);
    assert_eq!(full, resumed);
    assert_eq!(full.points.last().unwrap().step, 230);
}
