//! Checkpoints and plans are validated on read (issue 18, class 7): a checkpoint of the wrong
//! shape or past the budget is refused naming the file, checkpoints of two configs in one
//! folder never overwrite each other, and a hand-edited plan is refused by `run-job` and
//! `plan-status` alike, which give its index one meaning.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn long_run(out: &Path, steps: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ngd"));
    // With the BLAS thread count set, `ngd run` does not re-execute itself under a supervising
    // parent, so the SIGKILL of `interrupted` stops the run itself.
    cmd.env("OPENBLAS_NUM_THREADS", "1");
    cmd.args([
        "run",
        "egd-demo",
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "1",
    ])
    .args(["--set", &format!("steps={steps}"), "--set", "dim=120"])
    .args([
        "--set",
        "n_train=100",
        "--set",
        "n_test=50",
        "--set",
        "repeats=1",
    ])
    .args(["--set", "depths=[2]", "--checkpoint-every", "300"]);
    cmd
}

/// Starts a long run, kills it once its (new) checkpoint exists, and returns its path.
fn interrupted(out: &Path, steps: &str) -> PathBuf {
    let dir = out.join("egd-demo/checkpoints");
    let old: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    let mut child = long_run(out, steps)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let found = loop {
        let found = std::fs::read_dir(&dir).ok().and_then(|d| {
            d.flatten().map(|e| e.path()).find(|p| {
                !p.file_name().unwrap().to_string_lossy().starts_with('.') && !old.contains(p)
            })
        });
        if found.is_some() || start.elapsed() > Duration::from_secs(60) {
            break found;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    found.expect("a checkpoint was written")
}

fn edit_json(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn resume(out: &Path, steps: &str) -> std::process::Output {
    long_run(out, steps).arg("--resume").output().unwrap()
}

#[test]
fn a_checkpoint_of_another_shape_is_refused_naming_the_file_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let ckpt = interrupted(tmp.path(), "2000000");
    edit_json(&ckpt, |v| {
        v["state"]["weights"] = serde_json::json!({"v": 1, "dim": [3, 2], "data": vec![1.0; 6]});
    });
    let o = resume(tmp.path(), "2000000");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let name = ckpt.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        err.contains(&name) && err.contains("`state.weights` has shape [3,2]"),
        "{err}"
    );
}

#[test]
fn a_checkpoint_past_the_budget_is_refused_instead_of_a_truncated_run() {
    let tmp = tempfile::tempdir().unwrap();
    let ckpt = interrupted(tmp.path(), "2000000");
    edit_json(&ckpt, |v| {
        v["step"] = serde_json::json!(5_000_000);
        v["state"]["step"] = serde_json::json!(5_000_000);
    });
    let o = resume(tmp.path(), "2000000");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("past this run's budget of 2000000"), "{err}");
    assert!(!tmp.path().join("egd-demo/data.csv").exists());
}

#[test]
fn checkpoints_of_two_configs_in_one_folder_do_not_overwrite_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let first = interrupted(tmp.path(), "2000000");
    let before = std::fs::read(&first).unwrap();
    let second = interrupted(tmp.path(), "2000001");
    assert_ne!(first, second, "one file for two configs");
    assert_eq!(std::fs::read(&first).unwrap(), before, "overwritten");
}

fn both_refuse(plan: &Path, out: &Path, needles: &[&str]) {
    let (p, o) = (plan.to_str().unwrap(), out.to_str().unwrap());
    let run = ngd(&["run-job", "--plan", p, "--index", "1", "--out", o]);
    assert_input_error(&run, needles);
    let status = ngd(&["plan-status", "--plan", p, "--out", o]);
    assert_input_error(&status, needles);
    assert_no_results(out);
}

#[test]
fn a_hand_edited_plan_index_is_refused_by_run_job_and_plan_status() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_demo_plan(tmp.path());
    edit_json(&path, |v| {
        v["runs"][0]["index"] = serde_json::json!(1);
        v["runs"][1]["index"] = serde_json::json!(0);
    });
    both_refuse(
        &path,
        &tmp.path().join("out"),
        &["position 0 has `index` 1"],
    );
}

#[test]
fn a_hand_edited_plan_parameter_is_refused_by_run_job_and_plan_status() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_demo_plan(tmp.path());
    edit_json(&path, |v| {
        v["runs"][1]["params"]["repeat"] = serde_json::json!(7)
    });
    both_refuse(
        &path,
        &tmp.path().join("out"),
        &["run 1", "`params` differs", "edited"],
    );
}

#[test]
fn a_plan_with_a_run_removed_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_demo_plan(tmp.path());
    edit_json(&path, |v| {
        v["runs"].as_array_mut().unwrap().pop();
    });
    both_refuse(&path, &tmp.path().join("out"), &["lists 5 runs", "plan 6"]);
}
