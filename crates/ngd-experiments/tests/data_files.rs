//! `egd-demo` on data files: a valid pair of files runs end to end; every bad file (and every
//! inconsistent use of the file options) exits with status 2 before any work, with a one-line
//! message naming the file and the problem, and leaves no result file.

use std::path::Path;
use std::process::Output;

mod common;

use common::{file, ngd};

/// A separable 3-feature set: the label is the sign of the first feature.
fn separable_csv(n: usize) -> String {
    common::separable_csv(n, 1.0)
}

fn run_with(dir: &Path, train: &Path, test: Option<&Path>, extra: &[&str]) -> Output {
    let out = dir.join("out");
    let train_set = format!("train_file='{}'", train.display());
    let mut args = vec![
        "run",
        "egd-demo",
        "--out",
        out.to_str().unwrap(),
        "--set",
        "steps=200",
        "--set",
        "repeats=1",
        "--set",
        &train_set,
    ];
    let test_set;
    if let Some(test) = test {
        test_set = format!("test_file='{}'", test.display());
        args.extend(["--set", &test_set]);
    }
    args.extend_from_slice(extra);
    ngd(&args)
}

fn assert_rejected(o: &Output, needles: &[&str], dir: &Path) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "`{n}` missing from: {err}");
    }
    let results = dir.join("out").join("egd-demo");
    assert!(!results.join("data.csv").exists(), "result written");
    assert!(
        std::fs::read_dir(results.join("runs")).map_or(true, |mut d| d.next().is_none()),
        "run result written"
    );
}

#[test]
fn valid_data_files_run_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let train = file(dir.path(), "train.csv", &separable_csv(30));
    let test = file(dir.path(), "test.csv", &separable_csv(40));
    let o = run_with(dir.path(), &train, Some(&test), &["--set", "dim=3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(dir.path().join("out/egd-demo/data.csv")).unwrap();
    assert!(csv.lines().count() > 2);
}

#[test]
fn bad_data_files_are_rejected_before_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let test = file(d, "test.csv", &separable_csv(10));
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "ragged.csv",
            "x1,x2,x3,y\n1,2,3,1\n1,2,-1\n".into(),
            vec!["ragged.csv", "row 3 has 3 columns"],
        ),
        (
            "text.csv",
            "x1,x2,x3,y\n1,two,3,1\n".into(),
            vec!["text.csv", "row 2, column 2", "`two` is not a number"],
        ),
        (
            "nan.csv",
            "x1,x2,x3,y\n1,NaN,3,1\n".into(),
            vec!["nan.csv", "non-finite"],
        ),
        (
            "inf.csv",
            "x1,x2,x3,y\n1,2,-inf,1\n".into(),
            vec!["inf.csv", "non-finite"],
        ),
        (
            "label0.csv",
            "x1,x2,x3,y\n1,2,3,0\n".into(),
            vec!["label0.csv", "label `0` is not +1 or -1"],
        ),
        (
            "label2.csv",
            "x1,x2,x3,y\n1,2,3,2\n".into(),
            vec!["label2.csv", "label `2`"],
        ),
        (
            "empty.csv",
            "x1,x2,x3,y\n".into(),
            vec!["empty.csv", "no samples"],
        ),
        (
            "nonsep.csv",
            "x1,x2,x3,y\n1,0,0,1\n2,0,0,-1\n".into(),
            vec!["not linearly separable"],
        ),
    ];
    for (name, text, needles) in cases {
        let train = file(d, name, &text);
        let o = run_with(d, &train, Some(&test), &["--set", "dim=3"]);
        assert_rejected(&o, &needles, d);
    }
}

#[test]
fn inconsistent_file_options_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let train = file(d, "train.csv", &separable_csv(10));
    let test = file(d, "test.csv", &separable_csv(10));
    // Only one of the two files.
    let o = run_with(d, &train, None, &["--set", "dim=3"]);
    assert_rejected(&o, &["train_file", "test_file", "together"], d);
    // `dim` disagrees with the files.
    let o = run_with(d, &train, Some(&test), &["--set", "dim=5"]);
    assert_rejected(&o, &["`dim`", "5", "train_file"], d);
    // A file that does not exist.
    let missing = d.join("missing.csv");
    let o = run_with(d, &missing, Some(&test), &["--set", "dim=3"]);
    assert_rejected(&o, &["missing.csv", "cannot read"], d);
}
