//! A finished experiment folder is always one config's complete output (issue 18, class 5):
//! the manifest, written last, lists every file with its SHA-256; a crash while finishing
//! leaves no mixed folder and no staging folder behind `--resume`; a folder whose files differ
//! from its manifest is not reported as results.

mod common;

use common::*;
use std::path::Path;

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run", "egd-demo", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&TINY);
    args.extend_from_slice(extra);
    let o = ngd(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("egd-demo/manifest.json")).unwrap()).unwrap()
}

/// The top-level files of the experiment folder but the manifest.
fn outputs(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out.join("egd-demo"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json")
        .collect();
    names.sort();
    names
}

#[test]
fn the_manifest_lists_exactly_the_files_of_the_folder_after_a_second_config() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["--set", "depths=[1,2]"]);
    run(tmp.path(), &["--set", "depths=[2]", "--set", "repeats=1"]);
    let m = manifest(tmp.path());
    let listed: Vec<String> = m["files"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(listed, outputs(tmp.path()));
    assert_eq!(m["config"]["depths"], serde_json::json!([2]));
    let csv = std::fs::read_to_string(tmp.path().join("egd-demo/data.csv")).unwrap();
    assert!(!csv.contains("L1-r0"), "a row of the first config is left");
}

#[test]
fn a_staging_folder_left_by_a_killed_finish_is_removed_and_the_folder_finished_again() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &[]);
    // What a finish killed after removing the manifest leaves: a staging folder of a dead
    // process with a half-written file, and no manifest.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let staging = tmp.path().join(format!("egd-demo/.staging.{dead}.AbCdEf"));
    std::fs::create_dir(&staging).unwrap();
    std::fs::write(staging.join("data.csv"), "half").unwrap();
    std::fs::remove_file(tmp.path().join("egd-demo/manifest.json")).unwrap();
    let o = run(tmp.path(), &["--resume"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 runs executed"));
    assert!(!staging.exists(), "stale staging folder kept");
    let listed: Vec<String> = manifest(tmp.path())["files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(listed, outputs(tmp.path()));
}

#[test]
fn a_folder_whose_files_differ_from_its_manifest_is_reported_as_missing() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &[]);
    let out = tmp.path().to_str().unwrap();
    let o = ngd(&["report", "--out", out]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let good = std::fs::read_to_string(tmp.path().join("REPORT.md")).unwrap();
    assert!(good.contains("(`egd-demo`)"), "{good}");
    std::fs::write(tmp.path().join("egd-demo/data.csv"), "mixed\n").unwrap();
    let o = ngd(&["report", "--out", out]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = std::fs::read_to_string(tmp.path().join("REPORT.md")).unwrap();
    assert!(!report.contains("(`egd-demo`)"), "{report}");
}
