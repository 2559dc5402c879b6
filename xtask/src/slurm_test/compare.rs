//! Byte-for-byte comparison of two results trees (the cluster's and a local run's).
//!
//! Every file of `<out>/<experiment>/` must exist in both trees with identical bytes, except
//! the values of the keys that record how a run was executed rather than what it computed:
//! `"wall_seconds"` (in `runs/*.json` and `manifest.json`) and `"jobs"` (worker threads, in
//! `manifest.json`). Those values are masked; every other byte must match.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Keys whose (numeric) values are masked before comparing.
const VOLATILE_KEYS: [&str; 2] = ["\"wall_seconds\":", "\"jobs\":"];

/// Replaces the number after each volatile key with `#`.
fn mask(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    'outer: while i < text.len() {
        for key in VOLATILE_KEYS {
            if text[i..].starts_with(key.as_bytes()) {
                out.extend_from_slice(key.as_bytes());
                i += key.len();
                while i < text.len() && text[i] == b' ' {
                    out.push(b' ');
                    i += 1;
                }
                while i < text.len() && (text[i].is_ascii_digit() || b"+-.eE".contains(&text[i])) {
                    i += 1;
                }
                out.push(b'#');
                continue 'outer;
            }
        }
        out.push(text[i]);
        i += 1;
    }
    out
}

/// Relative paths of every file under `root`.
fn files(root: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                found.insert(rel.to_path_buf());
            }
        }
    }
    Ok(found)
}

/// Compares `local/<experiment>` with `cluster/<experiment>`; returns the number of files compared.
pub fn compare_experiment(local: &Path, cluster: &Path, experiment: &str) -> Result<usize, String> {
    let (a, b) = (local.join(experiment), cluster.join(experiment));
    let (fa, fb) = (files(&a)?, files(&b)?);
    if fa != fb {
        let only_local: Vec<_> = fa.difference(&fb).collect();
        let only_cluster: Vec<_> = fb.difference(&fa).collect();
        return Err(format!(
            "{experiment}: file sets differ: only local {only_local:?}, only cluster {only_cluster:?}"
        ));
    }
    if fa.is_empty() {
        return Err(format!("{experiment}: no result files in {}", a.display()));
    }
    for rel in &fa {
        let read = |root: &Path| {
            std::fs::read(root.join(rel))
                .map_err(|e| format!("cannot read {}: {e}", root.join(rel).display()))
        };
        let (x, y) = (read(&a)?, read(&b)?);
        let is_json = rel.extension().is_some_and(|e| e == "json");
        let same = if is_json {
            mask(&x) == mask(&y)
        } else {
            x == y
        };
        if !same {
            return Err(format!(
                "{experiment}: {} differs between the local and the cluster run",
                rel.display()
            ));
        }
    }
    Ok(fa.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_hides_only_the_volatile_values() {
        let a = br#"{"wall_seconds": 0.25, "jobs": 2, "loss": 0.5}"#;
        let b = br#"{"wall_seconds": 13.5e-3, "jobs": 1, "loss": 0.5}"#;
        let c = br#"{"wall_seconds": 0.25, "jobs": 2, "loss": 0.50000001}"#;
        assert_eq!(mask(a), mask(b));
        assert_ne!(mask(a), mask(c));
    }

    #[test]
    fn trees_compare_and_differences_are_named() {
        let root = std::env::temp_dir().join(format!("ngd-compare-test-{}", std::process::id()));
        let (l, c) = (root.join("l/exp"), root.join("c/exp"));
        for d in [&l, &c] {
            std::fs::create_dir_all(d.join("runs")).unwrap();
            std::fs::write(d.join("data.csv"), "a,b\n1,2\n").unwrap();
        }
        std::fs::write(l.join("runs/r0.json"), r#"{"wall_seconds": 1.0}"#).unwrap();
        std::fs::write(c.join("runs/r0.json"), r#"{"wall_seconds": 2.0}"#).unwrap();
        assert_eq!(
            compare_experiment(&root.join("l"), &root.join("c"), "exp"),
            Ok(2)
        );
        std::fs::write(c.join("data.csv"), "a,b\n1,3\n").unwrap();
        let err = compare_experiment(&root.join("l"), &root.join("c"), "exp").unwrap_err();
        assert!(err.contains("data.csv differs"), "{err}");
        std::fs::write(c.join("extra.svg"), "x").unwrap();
        let err = compare_experiment(&root.join("l"), &root.join("c"), "exp").unwrap_err();
        assert!(err.contains("extra.svg"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
