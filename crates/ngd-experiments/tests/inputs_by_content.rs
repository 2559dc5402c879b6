//! Inputs identified by content and read once (issue 18, classes 1, 3 and 9): a `--resume` on
//! changed data is refused naming both hashes, the hashes are in the manifest and every run
//! record, a file edited during a run cannot change later runs, and FIFOs, pipes, folders and
//! devices as data files either work or are refused clearly, without hanging.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn sha_of_manifest_input(out: &Path, name: &str) -> String {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("egd-demo/manifest.json")).unwrap())
            .unwrap();
    m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with(name))
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn resume_on_a_changed_data_file_is_refused_naming_the_file_and_both_hashes() {
    let tmp = tempfile::tempdir().unwrap();
    let train = file(tmp.path(), "train.csv", &separable_csv(30, 1.0));
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let out = tmp.path().join("out");
    let (tr, te) = (train.to_str().unwrap(), test.to_str().unwrap());
    assert_eq!(run_on_files(&out, tr, te, &[]).status.code(), Some(0));
    let old = sha_of_manifest_input(&out, "train.csv");
    let before = snapshot(&out);
    std::fs::write(&train, separable_csv(31, 1.0)).unwrap();
    let o = run_on_files(&out, tr, te, &["--resume"]);
    assert_input_error(
        &o,
        &["--resume", "train.csv", &old, "now has", "without --resume"],
    );
    assert_eq!(snapshot(&out), before, "the results folder changed");
    // Without --resume every run is recomputed on the new data.
    assert_eq!(run_on_files(&out, tr, te, &[]).status.code(), Some(0));
    assert_ne!(sha_of_manifest_input(&out, "train.csv"), old);
}

#[test]
fn manifest_and_every_run_record_carry_the_inputs_sha256() {
    let tmp = tempfile::tempdir().unwrap();
    let text = separable_csv(30, 1.0);
    let train = file(tmp.path(), "train.csv", &text);
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let out = tmp.path().join("out");
    let o = run_on_files(&out, train.to_str().unwrap(), test.to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sha = sha_of_manifest_input(&out, "train.csv");
    if let Ok(sum) = Command::new("sha256sum").arg(&train).output() {
        let line = String::from_utf8_lossy(&sum.stdout).into_owned();
        assert!(line.starts_with(&sha), "{line} vs {sha}");
    }
    let runs = std::fs::read_dir(out.join("egd-demo/runs")).unwrap();
    let mut count = 0;
    for run in runs {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(run.unwrap().path()).unwrap()).unwrap();
        assert_eq!(v["inputs"][train.to_str().unwrap()], sha.as_str(), "{v}");
        assert_eq!(v["inputs"].as_object().unwrap().len(), 2);
        count += 1;
    }
    assert_eq!(count, 2);
    let m = std::fs::read_to_string(out.join("egd-demo/manifest.json")).unwrap();
    assert!(m.contains("\"config_sha256\""), "{m}");
}

#[test]
fn rewriting_a_data_file_with_the_same_content_keeps_its_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let text = separable_csv(30, 1.0);
    let train = file(tmp.path(), "train.csv", &text);
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let out = tmp.path().join("out");
    let (tr, te) = (train.to_str().unwrap(), test.to_str().unwrap());
    assert_eq!(run_on_files(&out, tr, te, &[]).status.code(), Some(0));
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&train, &text).unwrap();
    let o = run_on_files(&out, tr, te, &["--resume"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("0 runs executed, 2 reused"), "{stdout}");
}

#[test]
fn a_data_file_edited_during_a_run_gives_every_run_the_first_content() {
    let tmp = tempfile::tempdir().unwrap();
    let train = file(tmp.path(), "train.csv", &separable_csv(40, 1.0));
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let (tr, te) = (train.to_str().unwrap(), test.to_str().unwrap());
    let reference = tmp.path().join("reference");
    let long = ["--set", "steps=40000", "--set", "repeats=3"];
    assert_eq!(
        run_on_files(&reference, tr, te, &long).status.code(),
        Some(0)
    );
    let out = tmp.path().join("out");
    let mut args: Vec<String> = [
        "run",
        "egd-demo",
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for set in [
        "dim=3".to_string(),
        "steps=40000".into(),
        "repeats=3".into(),
        format!("train_file='{tr}'"),
        format!("test_file='{te}'"),
    ] {
        args.push("--set".into());
        args.push(set);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_ngd"))
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once the first run is stored, the file gets other (still separable) data.
    let runs = out.join("egd-demo/runs");
    let start = Instant::now();
    while std::fs::read_dir(&runs).map_or(true, |mut d| d.next().is_none())
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::fs::write(&train, separable_csv(40, -3.0)).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        std::fs::read(out.join("egd-demo/data.csv")).unwrap(),
        std::fs::read(reference.join("egd-demo/data.csv")).unwrap(),
        "a run saw the edited file"
    );
}

#[test]
fn a_csv_without_a_header_row_is_refused_instead_of_losing_a_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let with_header = separable_csv(30, 1.0);
    let headless: String = with_header
        .lines()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    let train = file(tmp.path(), "train.csv", &headless);
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let out = tmp.path().join("out");
    let o = run_on_files(&out, train.to_str().unwrap(), test.to_str().unwrap(), &[]);
    assert_input_error(&o, &["train.csv", "row 1 is all numbers", "header"]);
    assert_no_results(&out);
}

#[test]
fn data_scaled_by_1e_minus_8_is_still_separable_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let train = file(tmp.path(), "train.csv", &separable_csv(30, 1e-8));
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1e-8));
    let out = tmp.path().join("out");
    let o = run_on_files(&out, train.to_str().unwrap(), test.to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_fifo_with_a_writer_works_as_a_data_file() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("train.fifo");
    if !mkfifo(&fifo) {
        return;
    }
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(writer_path, separable_csv(30, 1.0)));
    let out = tmp.path().join("out");
    let o = run_on_files(&out, fifo.to_str().unwrap(), test.to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    writer.join().unwrap().unwrap();
    assert!(out.join("egd-demo/data.csv").exists());
}

#[test]
fn process_substitution_works_as_a_data_file() {
    let tmp = tempfile::tempdir().unwrap();
    let train = file(tmp.path(), "train.csv", &separable_csv(30, 1.0));
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let out = tmp.path().join("out");
    let script = format!(
        "'{}' run egd-demo --out '{}' --jobs 1 --set dim=3 --set steps=200 --set repeats=1 \
         --set \"train_file='$1'\" --set \"test_file='{}'\"",
        env!("CARGO_BIN_EXE_ngd"),
        out.display(),
        test.display()
    );
    let Ok(o) = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "f() {{ {script}; }}; f <(cat '{}')",
            train.display()
        ))
        .output()
    else {
        return;
    };
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_fifo_without_a_writer_is_refused_instead_of_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("train.fifo");
    if !mkfifo(&fifo) {
        return;
    }
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let out = tmp.path().join("out");
    let start = Instant::now();
    let o = run_on_files(&out, fifo.to_str().unwrap(), test.to_str().unwrap(), &[]);
    assert_input_error(&o, &["train.fifo", "no data arrived"]);
    assert!(start.elapsed() < Duration::from_secs(60));
    assert_no_results(&out);
}

#[test]
fn a_folder_or_a_device_as_data_file_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let test = file(tmp.path(), "test.csv", &separable_csv(20, 1.0));
    let out = tmp.path().join("out");
    let folder = tmp.path().join("data");
    std::fs::create_dir(&folder).unwrap();
    let o = run_on_files(&out, folder.to_str().unwrap(), test.to_str().unwrap(), &[]);
    assert_input_error(&o, &["data file", "is a folder"]);
    if Path::new("/dev/zero").exists() {
        let o = run_on_files(&out, "/dev/zero", test.to_str().unwrap(), &[]);
        assert_input_error(&o, &["/dev/zero", "not a text file"]);
    }
    assert_no_results(&out);
}
