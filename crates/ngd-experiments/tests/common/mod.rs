//! Shared helpers for the integration tests: a run context, and the bad-input tests of the
//! `ngd` binary (issue 18's classes).
#![allow(dead_code)]

use ngd_harness::context::{CheckpointEvery, RunContext};

/// A run context for run `id` that never checkpoints, with its checkpoint path in `dir`.
pub fn ctx(dir: &std::path::Path, id: &str) -> RunContext<'static> {
    RunContext::new(
        id,
        1,
        "fp".into(),
        dir.join(format!("{id}.json")),
        CheckpointEvery::Never,
        false,
        Box::new(|_| {}),
    )
}

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A tiny egd-demo config (milliseconds per run).
pub const TINY: [&str; 8] = [
    "--set",
    "steps=60",
    "--set",
    "dim=12",
    "--set",
    "n_test=100",
    "--set",
    "record_points=6",
];

/// Runs `ngd` with `args`.
pub fn ngd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ngd"))
        .args(args)
        .output()
        .expect("binary runs")
}

/// The process's standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `text` to `dir/name` and returns the path.
pub fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A separable 3-feature set (the label is the sign of the first feature), every value
/// multiplied by `scale`.
pub fn separable_csv(n: usize, scale: f64) -> String {
    let mut text = String::from("x1,x2,x3,y\n");
    for i in 0..n {
        let a = (i as f64 * 0.37).sin() + if i % 2 == 0 { 1.5 } else { -1.5 };
        let b = (i as f64 * 1.3).cos();
        let c = (i as f64 * 0.7).sin();
        let y = if a > 0.0 { 1 } else { -1 };
        text.push_str(&format!(
            "{:e},{:e},{:e},{y}\n",
            a * scale,
            b * scale,
            c * scale
        ));
    }
    text
}

/// `ngd run egd-demo` on the data files `train` and `test` (3 features, one repeat, 200 steps)
/// into `out`, with `extra` arguments.
pub fn run_on_files(out: &Path, train: &str, test: &str, extra: &[&str]) -> Output {
    let train_set = format!("train_file='{train}'");
    let test_set = format!("test_file='{test}'");
    let mut args = vec![
        "run",
        "egd-demo",
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "1",
        "--set",
        "dim=3",
        "--set",
        "steps=200",
        "--set",
        "repeats=1",
        "--set",
        &train_set,
        "--set",
        &test_set,
    ];
    args.extend_from_slice(extra);
    ngd(&args)
}

/// Every file under `dir` (relative paths, sorted) with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Asserts exit code 2, a one-line message without panic containing every needle, no longer
/// than `max_chars`.
pub fn assert_input_error(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.chars().count() < 2000,
        "message too long: {} chars",
        err.len()
    );
    for n in needles {
        assert!(err.contains(n), "`{n}` missing from: {err}");
    }
}

/// Asserts that `out` holds no run result or data of egd-demo.
pub fn assert_no_results(out: &Path) {
    let dir = out.join("egd-demo");
    assert!(!dir.join("data.csv").exists(), "data.csv written");
    assert!(
        std::fs::read_dir(dir.join("runs")).map_or(true, |mut d| d.next().is_none()),
        "run result written"
    );
}

/// Writes the plan of `egd-demo` (quick preset) to `dir/plan.json` and returns its path.
pub fn write_demo_plan(dir: &Path) -> PathBuf {
    let path = dir.join("plan.json");
    let o = ngd(&[
        "reproduce",
        "--only",
        "egd-demo",
        "--plan",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    path
}
