//! End-to-end test of `fig5-fisher`: a shrunken config runs through the runner, writes its
//! tables and a README that documents every file and column, and estimates its memory.

use super::*;
use crate::experiments::test_support::run_in_tempdir;

/// A shrunken config (a second in release): one draw, one count, depth 2, one damping.
fn tiny() -> Fig5FisherConfig {
    Fig5FisherConfig {
        n: 5,
        rank: 1,
        observations: vec![15],
        depths: vec![2],
        relative_damping: vec![1e-2],
        egd_max_steps: 5_000,
        ngd_max_steps: 200,
        damped_max_steps: 2_000,
        chunk_steps: 1_000,
        ..Fig5Fisher.config(Preset::Quick)
    }
}

#[test]
fn tiny_fig5_fisher_runs_end_to_end_with_every_output_documented() {
    let c = tiny();
    Fig5Fisher.validate(&c).unwrap();
    for preset in [Preset::Quick, Preset::Paper] {
        Fig5Fisher.validate(&Fig5Fisher.config(preset)).unwrap();
    }
    let (dir, outcome) = run_in_tempdir(&Fig5Fisher, &c, 2);
    // EGD, NGD-MP, NGD-OBS and one damped run.
    assert_eq!(outcome.executed, 4);
    assert!(
        outcome.undocumented.is_empty(),
        "{:?}",
        outcome.undocumented
    );
    let root = dir.path().join("fig5-fisher");
    for f in ["curves.csv", "final.csv", "summary.json", "README.md"] {
        assert!(root.join(f).exists(), "{f} missing");
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("| `final.csv` |") && !readme.contains("Not documented"));
    let finals = std::fs::read_to_string(root.join("final.csv")).unwrap();
    assert_eq!(finals.lines().count(), 1 + 4);
    // The data: truth and mask, n × n each.
    let data_bytes = ngd_harness::memory::f64_bytes(&[2, c.n as u64, c.n as u64]);
    assert!(Fig5Fisher.peak_bytes(&c).is_some_and(|b| b > data_bytes));
}
