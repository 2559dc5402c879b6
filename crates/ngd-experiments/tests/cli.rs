//! End-to-end tests of the `ngd` binary: bad inputs exit 2 with precise one-line messages and
//! leave no result files; results are deterministic (same seed, any `--jobs`), resumable and
//! reproducible through plan files and `run-job`.

use std::path::Path;
use std::process::Output;

mod common;

use common::{TINY, ngd, stderr};

fn run_demo(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", "egd-demo", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&TINY);
    args.extend_from_slice(extra);
    ngd(&args)
}

/// Asserts exit code 2, a one-line message containing every needle, no panic, and that `out`
/// holds no result file.
fn assert_usage_error(o: &Output, needles: &[&str], out: &Path) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    for n in needles {
        assert!(err.contains(n), "`{n}` missing from: {err}");
    }
    assert!(!out.join("egd-demo").join("data.csv").exists());
    assert!(
        !out.join("egd-demo").join("runs").exists()
            || std::fs::read_dir(out.join("egd-demo/runs"))
                .unwrap()
                .next()
                .is_none()
    );
}

fn csv(out: &Path) -> Vec<u8> {
    std::fs::read(out.join("egd-demo").join("data.csv")).unwrap()
}

#[test]
fn unknown_experiment_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let o = ngd(&["run", "fig99", "--out", tmp.path().to_str().unwrap()]);
    assert_usage_error(&o, &["unknown experiment `fig99`", "egd-demo"], tmp.path());
    let o = ngd(&[
        "reproduce",
        "--only",
        "egd-demo,nope",
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert_usage_error(&o, &["unknown experiment `nope`"], tmp.path());
}

#[test]
fn bad_config_files_are_usage_errors_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let file = tmp.path().join("c.toml");
    let cases: [(&str, &[&str]); 4] = [
        ("steps = = 3\n", &["malformed TOML", "c.toml:1:"]),
        ("stepz = 3\n", &["unknown key `stepz`", "c.toml", "steps"]),
        ("steps = \"many\"\n", &["`steps`", "c.toml", "invalid type"]),
        ("steps = 0\n", &["`steps`", ": 0", "≥ 1"]),
    ];
    for (text, needles) in cases {
        std::fs::write(&file, text).unwrap();
        let o = ngd(&[
            "run",
            "egd-demo",
            "--config",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_usage_error(&o, needles, &out);
    }
    let o = ngd(&[
        "run",
        "egd-demo",
        "--config",
        "/nonexistent/x.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_usage_error(
        &o,
        &["config file /nonexistent/x.toml: cannot read it"],
        &out,
    );
}

#[test]
fn every_invalid_field_is_rejected_before_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let cases = [
        ("dim=0", "`dim`"),
        ("sparsity=0", "`sparsity`"),
        ("sparsity=51", "`sparsity`"),
        ("n_train=0", "`n_train`"),
        ("n_test=0", "`n_test`"),
        ("depths=[]", "`depths`"),
        ("depths=[0]", "`depths`"),
        ("depths=[9]", "`depths`"),
        ("depths=[1,1]", "distinct"),
        ("repeats=0", "`repeats`"),
        ("steps=0", "`steps`"),
        ("learning_rate=0", "`learning_rate`"),
        ("learning_rate=-1", "`learning_rate`"),
        ("init_scale=0", "`init_scale`"),
        ("record_points=1", "`record_points`"),
        ("steps=-5", "`steps`"),
    ];
    for (set, needle) in cases {
        let o = ngd(&[
            "run",
            "egd-demo",
            "--set",
            set,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_usage_error(&o, &[needle], out);
    }
    let o = ngd(&["run", "egd-demo", "--jobs", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let o = ngd(&["run", "egd-demo", "--checkpoint-every", "0s"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn unwritable_output_folder_names_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("regular-file");
    std::fs::write(&file, b"x").unwrap();
    // A folder below a regular file cannot be created, even by root.
    let out = file.join("results");
    let o = run_demo(&out, &[]);
    assert_usage_error(&o, &["regular-file/results"], tmp.path());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn results_are_deterministic_for_any_jobs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    assert!(run_demo(a.path(), &["--seed", "7"]).status.success());
    assert!(run_demo(b.path(), &["--seed", "7"]).status.success());
    assert!(
        run_demo(c.path(), &["--seed", "7", "--jobs", "2"])
            .status
            .success()
    );
    assert_eq!(csv(a.path()), csv(b.path()));
    assert_eq!(csv(a.path()), csv(c.path()));
    let d = tempfile::tempdir().unwrap();
    assert!(run_demo(d.path(), &["--seed", "8"]).status.success());
    assert_ne!(csv(a.path()), csv(d.path()), "the seed must matter");
    // The folder contract.
    let dir = a.path().join("egd-demo");
    for f in [
        "data.csv",
        "manifest.json",
        "summary.json",
        "loss.svg",
        "loss.png",
        "accuracy.svg",
        "accuracy.png",
        "runs/L1-r0.json",
        "runs/L2-r2.json",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    assert_eq!(
        std::fs::read_dir(dir.join("checkpoints")).unwrap().count(),
        0
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["config"]["steps"], 60);
    assert!(manifest["git_revision"].is_string());
    assert_eq!(manifest["solver_routes"]["egd-diagonal-pullback"], 6);
}

#[test]
fn resume_reruns_only_missing_runs_and_reproduces_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(run_demo(tmp.path(), &[]).status.success());
    let before = csv(tmp.path());
    std::fs::remove_file(tmp.path().join("egd-demo/runs/L2-r1.json")).unwrap();
    let o = run_demo(tmp.path(), &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("1 runs executed, 5 reused"), "{stdout}");
    assert_eq!(csv(tmp.path()), before);
    // A different config does not reuse stale results.
    let o = run_demo(tmp.path(), &["--resume", "--set", "learning_rate=0.25"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("6 runs executed, 0 reused"));
}

#[test]
fn plan_and_run_job_fill_the_same_results_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan.json");
    let out = tmp.path().join("out");
    let o = ngd(&[
        "reproduce",
        "--only",
        "egd-demo",
        "--plan",
        plan.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let runs = p["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    assert_eq!(runs[3]["index"], 3);
    assert_eq!(runs[3]["run_id"], "L2-r0");
    for i in 0..runs.len() {
        let o = ngd(&[
            "run-job",
            "--plan",
            plan.to_str().unwrap(),
            "--index",
            &i.to_string(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = ngd(&[
        "run-job",
        "--plan",
        plan.to_str().unwrap(),
        "--index",
        "6",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_usage_error(&o, &["--index 6 out of range"], tmp.path());
    // Finishing with --resume runs nothing and writes the report.
    let o = ngd(&[
        "reproduce",
        "--only",
        "egd-demo",
        "--resume",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("0 runs executed, 6 reused"),
        "{}",
        stderr(&o)
    );
    let direct = tempfile::tempdir().unwrap();
    let o = ngd(&["run", "egd-demo", "--out", direct.path().to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(csv(&out), csv(direct.path()));
    let md = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(
        md.contains("| EGD reaches zero training error on separable data |"),
        "{md}"
    );
    assert!(md.contains("Machine: "));
    let html = std::fs::read_to_string(out.join("REPORT.html")).unwrap();
    assert!(html.contains("data:image/png;base64,"));
}

#[test]
fn diverged_runs_are_recorded_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_demo(
        tmp.path(),
        &["--set", "learning_rate=1e300", "--set", "depths=[2]"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("egd-demo/summary.json")).unwrap())
            .unwrap();
    let diverged = summary["diverged"].as_array().unwrap();
    assert_eq!(diverged.len(), 3, "{summary}");
    assert!(diverged[0]["step"].as_u64().unwrap() >= 1);
    assert_eq!(summary["claims"][0]["verdict"], "not_reproduced");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("egd-demo/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["runs"][0]["status"], "diverged");
}

#[test]
fn list_help_and_bench_shapes() {
    let o = ngd(&["list"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("egd-demo"));
    let o = ngd(&["reproduce", "--list"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("--preset paper"));
    let o = ngd(&["run", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for opt in [
        "--preset",
        "--config",
        "--seed",
        "--out",
        "--jobs",
        "--resume",
        "--checkpoint-every",
        "--set",
    ] {
        assert!(help.contains(opt), "{opt} missing from help");
    }
    let o = ngd(&[
        "bench", "ngd-mf", "--n", "10", "--d", "5", "--depth", "2", "--steps", "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let last = stdout.trim_end().lines().last().unwrap();
    let value = last.strip_prefix("ngd-mf seconds_per_step=").unwrap();
    assert!(value.parse::<f64>().unwrap() > 0.0, "{last}");
    let o = ngd(&["bench", "egd-diag", "--steps", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let o = ngd(&["bench", "no-such-case"]);
    assert_eq!(o.status.code(), Some(2));
}
