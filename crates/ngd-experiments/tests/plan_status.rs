//! `ngd plan-status`: done/missing indices of a plan against a results tree, as the cluster
//! commands (`cargo xtask slurm status|resubmit`) read them.

use std::path::Path;
use std::process::{Command, Output};

fn ngd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ngd"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn status(plan: &Path, out: &Path) -> serde_json::Value {
    let o = ngd(&[
        "plan-status",
        "--plan",
        plan.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("one JSON object on stdout")
}

fn indices(v: &serde_json::Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap())
        .collect()
}

fn write_plan(plan: &Path, seed: &str) {
    let o = ngd(&[
        "reproduce",
        "--only",
        "egd-demo",
        "--seed",
        seed,
        "--plan",
        plan.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn plan_status_tracks_run_job_results_and_ignores_stale_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan.json");
    let out = tmp.path().join("out");
    write_plan(&plan, "3");

    let s = status(&plan, &out);
    assert_eq!(s["format"], "ngd-plan-status-v1");
    assert_eq!(s["preset"], "quick");
    assert_eq!(s["seed"], 3);
    assert_eq!(s["experiments"], serde_json::json!(["egd-demo"]));
    assert_eq!(s["runs"], 6);
    assert!(indices(&s["done"]).is_empty());
    assert_eq!(indices(&s["missing"]), vec![0, 1, 2, 3, 4, 5]);

    for i in ["1", "4"] {
        let o = ngd(&[
            "run-job",
            "--plan",
            plan.to_str().unwrap(),
            "--index",
            i,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let s = status(&plan, &out);
    assert_eq!(indices(&s["done"]), vec![1, 4]);
    assert_eq!(indices(&s["missing"]), vec![0, 2, 3, 5]);

    // The same run ids under another seed are a different plan: nothing of it is done.
    let other = tmp.path().join("other.json");
    write_plan(&other, "4");
    let s = status(&other, &out);
    assert!(indices(&s["done"]).is_empty());

    // A damaged result file is not done.
    std::fs::write(out.join("egd-demo/runs/L1-r1.json"), b"{\"fingerprint\": 7").unwrap();
    let s = status(&plan, &out);
    assert_eq!(indices(&s["done"]), vec![4]);

    // A missing plan file is a usage error (exit 2) naming the path.
    let o = ngd(&["plan-status", "--plan", "/nonexistent/plan.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/plan.json"));
}
