//! Records, at build time, the code revision the `ngd` binary is built from, as the compile-time
//! variable `NGD_GIT_REVISION` (read by [`GIT_REVISION`](src/lib.rs)); every `manifest.json`
//! names it as `git_revision`. Where the binary is later started plays no part.
//!
//! - In a git checkout whose tracked files include this crate: `git rev-parse HEAD`. The
//!   script reruns when `HEAD`, the branch it points to or `packed-refs` changes (in a linked
//!   worktree these live in the worktree's and the common git folder, asked of
//!   `git rev-parse --git-path`), so a new commit gives a new revision without a clean build.
//! - In a packaged copy (`cargo package`, a registry download; untracked even when unpacked
//!   inside a checkout's `target/`): the `git.sha1` cargo wrote to `.cargo_vcs_info.json`.
//! - Otherwise (no git, no repository, no record): `"unknown"`; the build never fails for it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
    let revision = checkout_revision(&dir)
        .or_else(|| packaged_revision(&dir))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=NGD_GIT_REVISION={revision}");
}

/// `git <args>` run in `dir`: its trimmed standard output, or `None` if git is missing or failed.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

/// A full object name: 40 (SHA-1) or 64 (SHA-256) hexadecimal digits.
fn is_object_name(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// `HEAD` of the checkout this crate's sources are tracked in, registering the files whose
/// change moves it; `None` outside such a checkout.
fn checkout_revision(dir: &Path) -> Option<String> {
    git(dir, &["ls-files", "--error-unmatch", "Cargo.toml"])?;
    let head = git(dir, &["rev-parse", "--verify", "HEAD"]).filter(|h| is_object_name(h))?;
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in &watched {
        let Some(path) = git(dir, &["rev-parse", "--git-path", name]) else {
            continue;
        };
        let path = dir.join(path);
        // A missing file would make cargo rerun the script on every build; a branch kept only
        // in `packed-refs` gets its loose file in its folder at the next commit.
        if path.is_file() {
            println!("cargo:rerun-if-changed={}", path.display());
        } else if name.starts_with("refs/")
            && let Some(parent) = path.parent().filter(|p| p.is_dir())
        {
            println!("cargo:rerun-if-changed={}", parent.display());
        }
    }
    Some(head)
}

/// The commit a packaged copy of this crate was made from (`.cargo_vcs_info.json`).
fn packaged_revision(dir: &Path) -> Option<String> {
    let path = dir.join(".cargo_vcs_info.json");
    if !path.is_file() {
        return None;
    }
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).ok()?;
    let info: serde_json::Value = serde_json::from_str(&text).ok()?;
    info["git"]["sha1"]
        .as_str()
        .filter(|s| is_object_name(s))
        .map(str::to_string)
}
