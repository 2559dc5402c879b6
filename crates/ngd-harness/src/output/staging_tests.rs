//! Tests of `staging.rs`: a finished folder is one config's complete output.

use super::*;
use crate::output::Manifest;

fn manifest() -> Manifest {
    Manifest {
        format_version: 1,
        experiment: "demo".into(),
        description: String::new(),
        preset: "quick".into(),
        seed: 0,
        config_sha256: String::new(),
        config: serde_json::json!({}),
        inputs: Vec::new(),
        git_revision: "unknown".into(),
        crate_versions: BTreeMap::new(),
        jobs: 1,
        wall_seconds: 0.0,
        solver_routes: BTreeMap::new(),
        runs: Vec::new(),
        files: BTreeMap::new(),
    }
}

fn finish(dir: &ExperimentDir, files: &[(&str, &str)]) -> Result<(), Error> {
    let staged = stage(dir)?;
    for (name, text) in files {
        std::fs::write(staged.path().join(name), text).unwrap();
    }
    commit_staged(dir, staged, manifest())
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn the_second_config_replaces_every_file_of_the_first_and_the_manifest_lists_them() {
    let out = tempfile::tempdir().unwrap();
    let dir = ExperimentDir::create(out.path(), "demo").unwrap();
    finish(&dir, &[("data.csv", "a"), ("old-plot.svg", "p")]).unwrap();
    finish(&dir, &[("data.csv", "b"), ("new-plot.svg", "q")]).unwrap();
    assert_eq!(
        names(dir.root()),
        [
            "checkpoints",
            "data.csv",
            "manifest.json",
            "new-plot.svg",
            "runs"
        ]
    );
    let m: Manifest = dir.read_json("manifest.json").unwrap();
    assert_eq!(m.files["data.csv"], sha256_hex(b"b"));
    assert_eq!(m.files.len(), 2);
    assert!(verify_files(&dir, &m).is_ok());
}

#[test]
fn a_failed_finish_leaves_the_old_output_whole_and_no_staging_folder() {
    let out = tempfile::tempdir().unwrap();
    let dir = ExperimentDir::create(out.path(), "demo").unwrap();
    finish(&dir, &[("data.csv", "a")]).unwrap();
    let before = names(dir.root());
    {
        let staged = stage(&dir).unwrap();
        std::fs::write(staged.path().join("data.csv"), "half").unwrap();
        // `finish` fails here: the guard is dropped without a commit.
    }
    assert_eq!(names(dir.root()), before);
    assert_eq!(std::fs::read(dir.path("data.csv")).unwrap(), b"a");
}

#[test]
fn a_file_changed_after_the_manifest_is_detected_on_read() {
    let out = tempfile::tempdir().unwrap();
    let dir = ExperimentDir::create(out.path(), "demo").unwrap();
    finish(&dir, &[("data.csv", "a"), ("plot.png", "p")]).unwrap();
    let m: Manifest = dir.read_json("manifest.json").unwrap();
    std::fs::write(dir.path("data.csv"), "mixed").unwrap();
    let e = verify_files(&dir, &m).unwrap_err();
    assert!(e.contains("data.csv differs"), "{e}");
    std::fs::remove_file(dir.path("plot.png")).unwrap();
    std::fs::write(dir.path("data.csv"), "a").unwrap();
    let e = verify_files(&dir, &m).unwrap_err();
    assert!(
        e.contains("plot.png is listed in the manifest but missing"),
        "{e}"
    );
    let mut evil = m.clone();
    evil.files.insert("../x".into(), String::new());
    assert!(verify_files(&dir, &evil).unwrap_err().contains("outside"));
}
