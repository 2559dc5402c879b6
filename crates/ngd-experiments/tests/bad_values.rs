//! Bad values of the command line (issue 18, classes 3, 4 and 8): every one exits with status
//! 2 before any work, in one line that names the key and its source, clips the value, and
//! leaves the results folder as it was; sizes are checked with overflow-free arithmetic and
//! against the memory they would need.

mod common;

use common::*;

fn run_set(out: &std::path::Path, sets: &[&str], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["run", "egd-demo", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&TINY);
    for s in sets {
        args.extend(["--set", s]);
    }
    args.extend_from_slice(extra);
    ngd(&args)
}

#[test]
fn a_float_beyond_f64_is_out_of_range_not_a_string() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_set(tmp.path(), &["learning_rate=1e400"], &[]);
    assert_input_error(&o, &["`learning_rate` in --set", "1e400", "out of range"]);
    assert!(!stderr(&o).contains("invalid type: string"));
    assert_no_results(tmp.path());
}

#[test]
fn an_integer_beyond_i64_is_out_of_range_not_a_string() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_set(tmp.path(), &["steps=18446744073709551616"], &[]);
    assert_input_error(
        &o,
        &["`steps` in --set", "out of range", "9223372036854775807"],
    );
    assert_no_results(tmp.path());
}

#[test]
fn a_number_not_in_toml_form_is_named_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_set(tmp.path(), &["init_scale=.5"], &[]);
    assert_input_error(&o, &["`init_scale` in --set", "`.5`", "TOML"]);
}

#[test]
fn a_huge_value_is_clipped_in_the_message() {
    let tmp = tempfile::tempdir().unwrap();
    let huge = format!("steps={}", "7".repeat(100_000));
    let o = run_set(tmp.path(), &[&huge], &[]);
    assert_input_error(&o, &["`steps`", "100000 characters in all"]);
    assert!(stderr(&o).len() < 1000, "{} bytes", stderr(&o).len());
    let key = format!("{}=1", "k".repeat(50_000));
    let o = run_set(tmp.path(), &[&key], &[]);
    assert_input_error(&o, &["unknown key", "50000 characters in all"]);
}

#[test]
fn a_huge_string_value_of_a_file_is_clipped() {
    let tmp = tempfile::tempdir().unwrap();
    let config = file(
        tmp.path(),
        "c.toml",
        &format!("depths = \"{}\"\n", "x".repeat(20_000)),
    );
    let o = run_set(tmp.path(), &[], &["--config", config.to_str().unwrap()]);
    assert_input_error(&o, &["`depths`", "c.toml"]);
    assert!(stderr(&o).len() < 1000, "{} bytes", stderr(&o).len());
}

#[test]
fn a_nested_list_longer_than_its_slot_is_an_error_from_every_source() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let o = ngd(&["run", "fig5", "--out", out, "--set", "collapsed=[[2,3,4]]"]);
    assert_input_error(
        &o,
        &[
            "`collapsed[0]` in --set",
            "3 elements",
            "longer than its slot",
        ],
    );
    let config = file(tmp.path(), "f.toml", "collapsed = [[2, 3], [3, 2, 1]]\n");
    let o = ngd(&[
        "run",
        "fig5",
        "--out",
        out,
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_input_error(&o, &["`collapsed[1]`", "f.toml", "longer than its slot"]);
}

#[test]
fn a_bad_value_in_a_plan_file_names_its_key_path_not_a_question_mark() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = write_demo_plan(tmp.path());
    let mut p: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    p["configs"]["egd-demo"]["depths"] = serde_json::json!([1, "two"]);
    std::fs::write(&plan, serde_json::to_vec(&p).unwrap()).unwrap();
    let o = ngd(&["run-job", "--plan", plan.to_str().unwrap(), "--index", "0"]);
    assert_input_error(&o, &["`depths[1]`", "egd-demo"]);
    assert!(!stderr(&o).contains("`?`"), "{}", stderr(&o));
}

#[test]
fn sizes_whose_product_overflows_are_refused_naming_the_product() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_set(tmp.path(), &["n_train=4294967296", "dim=4294967296"], &[]);
    assert_input_error(&o, &["`n_train × dim`", "64 bits"]);
    let o = run_set(
        tmp.path(),
        &["steps=9223372036854775807", "n_train=10", "dim=12"],
        &[],
    );
    assert_input_error(&o, &["`steps × n_train × dim`"]);
    assert_no_results(tmp.path());
}

#[test]
fn a_run_that_would_not_fit_in_memory_is_refused_with_the_estimate_and_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_set(tmp.path(), &["n_train=100000000", "dim=1000000"], &[]);
    assert_input_error(
        &o,
        &["egd-demo: estimated peak memory", "exceeds the limit"],
    );
    assert_no_results(tmp.path());
}

#[test]
fn max_memory_counts_every_run_that_jobs_starts_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    // ~7.7 MiB per run (n_train 40 000 × dim 12 × 8 bytes × 3, …) plus 64 MiB for the process.
    let sizes = ["n_train=40000", "steps=5", "repeats=2"];
    let ok = run_set(tmp.path(), &sizes, &["--max-memory", "80M", "--jobs", "1"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let o = run_set(tmp.path(), &sizes, &["--max-memory", "80M", "--jobs", "4"]);
    assert_input_error(&o, &["× 4 run(s) at once", "--max-memory"]);
    let o = run_set(tmp.path(), &sizes, &["--max-memory", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--max-memory"), "{}", stderr(&o));
}

#[test]
fn report_refuses_a_folder_without_results_and_keeps_its_report() {
    let tmp = tempfile::tempdir().unwrap();
    let report = file(tmp.path(), "REPORT.md", "my notes\n");
    let o = ngd(&["report", "--out", tmp.path().to_str().unwrap()]);
    assert_input_error(&o, &["holds no results", "left as they are"]);
    assert_eq!(std::fs::read_to_string(report).unwrap(), "my notes\n");
    let o = ngd(&["report", "--out", tmp.path().join("none").to_str().unwrap()]);
    assert_input_error(&o, &["none", "no such folder"]);
}

#[test]
fn bench_input_errors_exit_2() {
    let o = ngd(&["bench", "egd-diag", "--threads", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--threads"));
    let o = ngd(&[
        "bench",
        "ngd-mf",
        "--d",
        "100000000",
        "--n",
        "5",
        "--steps",
        "1",
    ]);
    assert_input_error(&o, &["bench ngd-mf", "estimated peak memory"]);
    let o = ngd(&["bench", "egd-diag", "--steps", "0"]);
    assert_input_error(&o, &["--steps"]);
}
