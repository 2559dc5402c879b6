//! The manifest names the code the binary was built from: `git_revision` is recorded at build
//! time (`build.rs`), not looked up in whatever folder `ngd` is started in.

use std::path::Path;
use std::process::Command;

mod common;

use common::TINY;

/// `git <args>` in `dir` (with a fixed identity, no signing); its trimmed standard output.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=ngd test",
            "-c",
            "user.email=test@ngd.invalid",
        ])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn build_revision_is_a_commit_or_unknown_and_follows_this_checkout() {
    let rev = ngd_experiments::GIT_REVISION;
    assert!(
        rev == "unknown"
            || (matches!(rev.len(), 40 | 64) && rev.chars().all(|c| c.is_ascii_hexdigit())),
        "{rev}"
    );
    // Built from a checkout that tracks this crate: the revision is its HEAD (`cargo test`
    // reruns the build script when HEAD or its branch moved).
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tracked = Command::new("git")
        .args(["ls-files", "--error-unmatch", "Cargo.toml"])
        .current_dir(here)
        .output()
        .is_ok_and(|o| o.status.success());
    if tracked {
        assert_eq!(rev, git(here, &["rev-parse", "HEAD"]));
    }
}

#[test]
fn manifest_names_the_build_revision_when_started_in_another_repository() {
    // Another git repository that is also a cargo workspace: what a run-time lookup from the
    // current folder would have found.
    let repo = tempfile::tempdir().unwrap();
    common::file(repo.path(), "Cargo.toml", "[workspace]\nmembers = []\n");
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "Cargo.toml"]);
    git(repo.path(), &["commit", "-q", "-m", "another project"]);
    let other = git(repo.path(), &["rev-parse", "HEAD"]);
    assert_ne!(other, ngd_experiments::GIT_REVISION);

    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["run", "egd-demo", "--out", out.path().to_str().unwrap()];
    args.extend_from_slice(&TINY);
    let o = Command::new(env!("CARGO_BIN_EXE_ngd"))
        .args(&args)
        .current_dir(repo.path())
        .output()
        .expect("binary runs");
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("egd-demo").join("manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["git_revision"], ngd_experiments::GIT_REVISION);
}
