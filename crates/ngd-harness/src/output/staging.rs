//! A finished experiment folder is always one config's complete output.
//!
//! `finish` writes into a staging folder `<out>/<experiment>/.staging.<pid>.<random>/`; when
//! it has succeeded, [`commit_staged`] moves the files into place in this order:
//!
//! 1. `manifest.json` is removed: from here on the folder reads as unfinished;
//! 2. the files the old manifest listed and the new output lacks are removed (plots of another
//!    config), and every staged file is renamed over its final name (atomic per file);
//! 3. `manifest.json` is written last, listing every output file with its SHA-256
//!    ([`Manifest::files`](super::Manifest::files)).
//!
//! So a crash at any point leaves either the old complete output, or a folder without
//! `manifest.json` (unfinished: the report lists it as missing, `--resume` finishes it again
//! from the stored runs); a reader checks the listed hashes ([`verify_files`]). A staging
//! folder whose writer died is removed when the folder is next opened for writing.

use super::ExperimentDir;
use crate::error::Error;
use crate::inputs::sha256_hex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The prefix of staging folders.
pub(crate) const STAGING_PREFIX: &str = ".staging.";

/// Creates a fresh staging folder inside `dir` (removed when the returned guard is dropped).
///
/// # Errors
///
/// [`Error::Io`] naming the folder.
pub fn stage(dir: &ExperimentDir) -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{}.", std::process::id()))
        .tempdir_in(dir.root())
        .map_err(|e| Error::io(dir.root(), e))
}

/// Every regular file under `root`, as paths relative to it, sorted.
fn files_under(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn hash_file(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(sha256_hex(&bytes))
}

/// Moves the staged output into `dir` and writes `manifest` (its `files` filled in) last (see
/// the module docs).
///
/// # Errors
///
/// [`Error::Io`] naming the file that could not be hashed, removed or moved.
pub fn commit_staged(
    dir: &ExperimentDir,
    staged: tempfile::TempDir,
    mut manifest: super::Manifest,
) -> Result<(), Error> {
    let staged_root = staged.path().to_path_buf();
    let mut files = BTreeMap::new();
    for rel in files_under(&staged_root)? {
        let name = rel.to_string_lossy().into_owned();
        files.insert(name, hash_file(&staged_root.join(&rel))?);
    }
    let manifest_path = dir.path("manifest.json");
    let old: Option<super::Manifest> = dir.read_json("manifest.json").ok();
    match std::fs::remove_file(&manifest_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::io(&manifest_path, e));
        }
        _ => sync_dir(dir.root()),
    }
    for name in old.iter().flat_map(|m| m.files.keys()) {
        if !files.contains_key(name) && is_plain_relative(name) {
            let _ = std::fs::remove_file(dir.path(name));
        }
    }
    for name in files.keys() {
        let target = dir.path(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::rename(staged_root.join(name), &target).map_err(|e| Error::io(&target, e))?;
    }
    sync_dir(dir.root());
    manifest.files = files;
    dir.write_json("manifest.json", &manifest)?;
    drop(staged);
    Ok(())
}

/// Whether `name` stays inside the folder (no absolute path, no `..`).
fn is_plain_relative(name: &str) -> bool {
    let path = Path::new(name);
    path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Checks that every file `manifest` lists exists in `dir` with its SHA-256.
///
/// # Errors
///
/// A message naming the first file that is missing or differs.
pub fn verify_files(dir: &ExperimentDir, manifest: &super::Manifest) -> Result<(), String> {
    for (name, expected) in &manifest.files {
        if !is_plain_relative(name) {
            return Err(format!("manifest.json lists `{name}`, outside the folder"));
        }
        match hash_file(&dir.path(name)) {
            Ok(found) if &found == expected => {}
            Ok(_) => return Err(format!("{name} differs from the manifest (other content)")),
            Err(_) => return Err(format!("{name} is listed in the manifest but missing")),
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "staging_tests.rs"]
mod tests;
