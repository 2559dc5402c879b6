//! The example study gets the harness's command line for free: a plan run task by task with
//! `run-job` (as a Slurm array would), `plan-status`, `--resume` and the report, with the same
//! bytes as one direct run.

use std::path::Path;
use std::process::{Command, Output};

fn study(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_example-study"))
        .args(args)
        .output()
        .expect("start example-study");
    assert!(
        out.status.success(),
        "example-study {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn plan_run_job_resume_and_report_match_a_direct_run() {
    let dir = tempfile::tempdir().unwrap();
    let (array, direct) = (dir.path().join("array"), dir.path().join("direct"));
    let plan = dir.path().join("plan.json");
    let s = |p: &Path| p.to_str().unwrap().to_string();

    study(&["reproduce", "--plan", &s(&plan)]);
    let runs: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let count = runs["runs"].as_array().unwrap().len();
    assert_eq!(count, 32, "2 schedules × 16 repeats");
    for i in 0..count {
        let out = study(&[
            "run-job",
            "--plan",
            &s(&plan),
            "--index",
            &i.to_string(),
            "--out",
            &s(&array),
        ]);
        assert!(text(&out).contains("done"), "{}", text(&out));
    }
    let status: serde_json::Value = serde_json::from_str(&text(&study(&[
        "plan-status",
        "--plan",
        &s(&plan),
        "--out",
        &s(&array),
    ])))
    .unwrap();
    assert_eq!(status["done"].as_array().unwrap().len(), count, "{status}");
    assert!(status["missing"].as_array().unwrap().is_empty(), "{status}");

    let resumed = text(&study(&[
        "reproduce",
        "--resume",
        "--jobs",
        "1",
        "--out",
        &s(&array),
    ]));
    assert!(resumed.contains("0 runs executed, 32 reused"), "{resumed}");
    study(&["run", "running-mean", "--jobs", "2", "--out", &s(&direct)]);
    let csv = |root: &Path| std::fs::read(root.join("running-mean/data.csv")).unwrap();
    assert_eq!(
        csv(&array),
        csv(&direct),
        "run-job + resume = one direct run"
    );

    let report = std::fs::read_to_string(array.join("REPORT.md")).unwrap();
    assert!(report.starts_with("# Example study"), "{report}");
    assert!(report.contains("falls like t^(−1/2)"), "{report}");
    assert!(report.contains(">reproduced</b>"), "{report}");
}

#[test]
fn bad_config_values_exit_2_naming_the_key() {
    let out = Command::new(env!("CARGO_BIN_EXE_example-study"))
        .args(["run", "running-mean", "--set", "steps=0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`steps`"), "{err}");
}
