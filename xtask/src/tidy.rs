//! `cargo xtask tidy` (also the first step of `cargo xtask test`): the workspace's structural
//! invariants, checked rather than only written down (after rust-analyzer's tidy tests).
//!
//! 1. **Dependencies run one way** ([`ALLOWED`]): a crate may depend (normal, dev or build) only
//!    on the ngd crates listed for it; a new crate must be added to the table.
//! 2. **Library crates are pure** ([`PURE`]): outside `#[cfg(test)]` code, their sources use no
//!    filesystem, terminal, environment or clock ([`IMPURE`]).
//! 3. **Files stay small**: no source file outside tests is longer than [`MAX_LINES`] lines.
//! 4. **No `unsafe` but one prefetch hint**: the workspace lint `unsafe_code = "deny"` may be
//!    allowed only in [`UNSAFE_ALLOWED`] (every file, tests included, is searched for
//!    `allow(unsafe_code)`).
//! 5. **Publishable crates package** ([`crate::tidy_manifest`]): description, licence and
//!    LICENSE file, readme, keywords, categories, versions on internal dependencies.

use crate::cargo::workspace_root;
use std::path::{Path, PathBuf};

/// Which ngd crates each crate may depend on.
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("ngd-data", &[]),
    ("ngd-models", &[]),
    ("ngd-fisher", &["ngd-models", "ngd-data"]),
    ("ngd-optim", &["ngd-fisher", "ngd-models", "ngd-data"]),
    ("ngd-harness", &[]),
    (
        "ngd-experiments",
        &[
            "ngd-harness",
            "ngd-optim",
            "ngd-fisher",
            "ngd-models",
            "ngd-data",
        ],
    ),
    ("ngd-example-study", &["ngd-harness"]),
    (
        "ngd-py",
        &[
            "ngd-experiments",
            "ngd-harness",
            "ngd-optim",
            "ngd-fisher",
            "ngd-models",
            "ngd-data",
        ],
    ),
    ("xtask", &[]),
];

/// The library crates that must not touch the world.
pub const PURE: &[&str] = &["ngd-data", "ngd-models", "ngd-fisher", "ngd-optim"];

/// What a pure crate's code must not contain.
pub const IMPURE: &[&str] = &[
    "std::fs",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "print!(",
    "println!(",
    "eprint!(",
    "eprintln!(",
    "dbg!(",
    "std::env",
    "std::time",
    "Instant",
    "SystemTime",
    "std::process",
];

/// The only source file that may allow the workspace lint `unsafe_code` (the L2 prefetch hint of
/// the batched EGD pass, a `#[target_feature]` intrinsic that never faults).
pub const UNSAFE_ALLOWED: &str = "crates/ngd-models/src/prefetch.rs";

/// The longest source file allowed outside tests.
pub const MAX_LINES: usize = 400;

/// The ngd crates `manifest` (a Cargo.toml's text) depends on.
pub fn ngd_dependencies(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]");
            continue;
        }
        let name = line.split(['=', '.', ' ']).next().unwrap_or("");
        if in_deps && name.starts_with("ngd-") {
            deps.push(name.to_string());
        }
    }
    deps
}

/// The lines of `source` (before its first `#[cfg(test)]`) that use something in [`IMPURE`],
/// comments excluded, as `(line number, text)`.
pub fn impure_lines(source: &str) -> Vec<(usize, String)> {
    (source.lines().enumerate())
        .take_while(|(_, l)| !l.trim_start().starts_with("#[cfg(test)]"))
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .filter(|(_, l)| IMPURE.iter().any(|p| l.contains(p)))
        .map(|(i, l)| (i + 1, l.trim().to_string()))
        .collect()
}

/// Whether `source` has an attribute line allowing the lint `unsafe_code`
/// (`#[allow(unsafe_code)]`, `#![allow(…, unsafe_code)]`, also inside `cfg_attr`).
pub fn allows_unsafe(source: &str) -> bool {
    source.lines().map(str::trim_start).any(|l| {
        (l.starts_with("#[") || l.starts_with("#!["))
            && l.contains("allow(")
            && l.contains("unsafe_code")
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether `path` is test code (a `tests` folder, or a `tests.rs` / `*_tests.rs` module,
/// declared under `#[cfg(test)]` by its parent).
fn is_test(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "tests")
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == "tests.rs" || n.ends_with("_tests.rs"))
}

/// Every crate of the workspace: `(name, folder)`.
fn crates(root: &Path) -> Vec<(String, PathBuf)> {
    let mut all = vec![("xtask".to_string(), root.join("xtask"))];
    if let Ok(entries) = std::fs::read_dir(root.join("crates")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().join("Cargo.toml").is_file() {
                all.push((name, entry.path()));
            }
        }
    }
    all.sort();
    all
}

/// Every violation under the workspace `root`, one line each.
pub fn problems(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    for (name, dir) in crates(root) {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        found.extend(crate::tidy_manifest::manifest_problems(
            &name, &manifest, &dir, &workspace,
        ));
        match ALLOWED.iter().find(|(n, _)| *n == name) {
            None => found.push(format!(
                "crate `{name}` is not in xtask's dependency table (tidy.rs ALLOWED)"
            )),
            Some((_, allowed)) => {
                for dep in ngd_dependencies(&manifest) {
                    if !allowed.contains(&dep.as_str()) {
                        found.push(format!(
                            "{name} depends on {dep}, against the direction of dependencies \
                             (allowed: {allowed:?})"
                        ));
                    }
                }
            }
        }
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        files.sort();
        rust_files(&dir.join("tests"), &mut files);
        rust_files(&dir.join("benches"), &mut files);
        rust_files(&dir.join("examples"), &mut files);
        files.sort();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let shown = file.strip_prefix(root).unwrap_or(file);
            if allows_unsafe(&text) && shown != Path::new(UNSAFE_ALLOWED) {
                found.push(format!(
                    "{}: allows `unsafe_code` (only {UNSAFE_ALLOWED} may)",
                    shown.display()
                ));
            }
        }
        for file in files
            .iter()
            .filter(|f| !is_test(f) && f.starts_with(dir.join("src")))
        {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let shown = file.strip_prefix(root).unwrap_or(file).display();
            let lines = text.lines().count();
            if lines > MAX_LINES {
                found.push(format!("{shown}: {lines} lines (at most {MAX_LINES})"));
            }
            if PURE.contains(&name.as_str()) {
                for (n, line) in impure_lines(&text) {
                    found.push(format!(
                        "{shown}:{n}: library crate touches the world: `{line}`"
                    ));
                }
            }
        }
    }
    found
}

/// Runs the checks on the workspace; fails listing every violation.
pub fn run() -> Result<(), String> {
    let found = problems(&workspace_root());
    if found.is_empty() {
        eprintln!("xtask: tidy: ok");
        return Ok(());
    }
    for p in &found {
        eprintln!("xtask: tidy: {p}");
    }
    Err(format!("tidy: {} violation(s)", found.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_read_from_every_dependency_section() {
        let manifest = "[package]\nname = \"x\"\n[dependencies]\nngd-models.workspace = true\n\
                        serde = \"1\"\n[dev-dependencies]\nngd-experiments = { path = \"..\" }\n\
                        [[bench]]\nname = \"ngd-bench\"\n";
        assert_eq!(
            ngd_dependencies(manifest),
            ["ngd-models", "ngd-experiments"]
        );
    }

    #[test]
    fn impure_code_is_found_outside_tests_and_comments() {
        let source = "//! Uses no std::fs.\nuse std::time::Instant;\nfn f() { println!(\"x\"); }\n\
                      #[cfg(test)]\nmod tests { fn g() { std::fs::read(\"a\"); } }\n";
        let lines: Vec<usize> = impure_lines(source).into_iter().map(|l| l.0).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn allowing_unsafe_code_is_found_outside_comments() {
        assert!(allows_unsafe("#[allow(unsafe_code)]\nfn f() {}\n"));
        assert!(allows_unsafe("#![allow(dead_code, unsafe_code)]\n"));
        assert!(!allows_unsafe(
            "//! the lint `allow(unsafe_code)` is denied\nfn f() {}\n"
        ));
        assert!(!allows_unsafe("#[deny(unsafe_code)]\n"));
    }

    #[test]
    fn test_files_are_recognised() {
        assert!(is_test(Path::new("crates/a/src/x/tests.rs")));
        assert!(is_test(Path::new("crates/a/src/tests/big.rs")));
        assert!(is_test(Path::new("crates/a/src/x/small_init_tests.rs")));
        assert!(!is_test(Path::new("crates/a/src/x/mod.rs")));
    }

    #[test]
    fn the_workspace_is_tidy() {
        let found = problems(&workspace_root());
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}
