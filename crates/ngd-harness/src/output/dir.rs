//! The per-experiment results folder and the default output root.

use super::atomic::{write_atomic, write_json_atomic};
use crate::error::{ConfigError, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The workspace root: the nearest ancestor of the current folder whose `Cargo.toml` declares
/// `[workspace]`; failing that, the workspace this binary was built from (two levels above this
/// crate's `CARGO_MANIFEST_DIR`, fixed at build time) if it still exists; failing that, the
/// current folder.
pub fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    for dir in cwd.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest)
            && text.lines().any(|l| l.trim() == "[workspace]")
        {
            return dir.to_path_buf();
        }
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if built.join("Cargo.toml").is_file() {
        return built.canonicalize().unwrap_or(built);
    }
    cwd
}

/// The default results root, `<workspace root>/experiments/results` (see [`workspace_root`]).
pub fn default_out_dir() -> PathBuf {
    workspace_root().join("experiments").join("results")
}

/// `<out>/<experiment>/` with its `runs/` and `checkpoints/` subfolders.
#[derive(Debug, Clone)]
pub struct ExperimentDir {
    root: PathBuf,
}

impl ExperimentDir {
    /// Creates (if needed) `<out>/<experiment>/`, `runs/` and `checkpoints/`, and removes the
    /// temporary files that writers killed mid-write left there (`stale.rs`).
    ///
    /// Fails with [`ConfigError::OutputFolder`] naming the path if a folder cannot be created
    /// (e.g. a regular file is in the way), so the tool exits with code 2 before any work.
    pub fn create(out: &Path, experiment: &str) -> Result<Self, ConfigError> {
        let root = out.join(experiment);
        for dir in [root.clone(), root.join("runs"), root.join("checkpoints")] {
            std::fs::create_dir_all(&dir).map_err(|e| ConfigError::OutputFolder {
                path: dir.clone(),
                message: e.to_string(),
            })?;
            super::stale::remove_stale_temporaries(&dir);
        }
        Ok(Self { root })
    }

    /// Wraps `root` itself as an experiment folder (a staging folder, say).
    pub fn at(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    /// Wraps an existing folder without creating anything (for reading results).
    pub fn open(out: &Path, experiment: &str) -> Self {
        Self {
            root: out.join(experiment),
        }
    }

    /// The folder `<out>/<experiment>/`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<out>/<experiment>/<file>`.
    pub fn path(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }

    /// `runs/<run-id>.json`.
    pub fn run_path(&self, run_id: &str) -> PathBuf {
        self.root.join("runs").join(format!("{run_id}.json"))
    }

    /// `checkpoints/<run-id>.<first 16 hex digits of fingerprint>.json`: keyed by content, so
    /// that the unfinished runs of two configs in one folder never overwrite each other.
    pub fn checkpoint_path(&self, run_id: &str, fingerprint: &str) -> PathBuf {
        let key: String = fingerprint.chars().take(16).collect();
        self.root
            .join("checkpoints")
            .join(format!("{run_id}.{key}.json"))
    }

    /// Writes a tidy CSV `<file>` from serializable rows (the header is the rows' field names,
    /// which should carry units, e.g. `#[serde(rename = "train_loss (nats)")]`). Atomic.
    pub fn write_csv<T: Serialize>(&self, file: &str, rows: &[T]) -> Result<PathBuf, Error> {
        let path = self.path(file);
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in rows {
            w.serialize(row).map_err(|e| Error::format(&path, e))?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::format(&path, e.error()))?;
        write_atomic(&path, &bytes)?;
        Ok(path)
    }

    /// Writes `<file>` with the given bytes (e.g. a `.npy` array), atomically.
    pub fn write_bytes(&self, file: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        let path = self.path(file);
        write_atomic(&path, bytes)?;
        Ok(path)
    }

    /// Writes `<file>` as pretty JSON, atomically.
    pub fn write_json<T: Serialize + ?Sized>(
        &self,
        file: &str,
        value: &T,
    ) -> Result<PathBuf, Error> {
        let path = self.path(file);
        write_json_atomic(&path, value)?;
        Ok(path)
    }

    /// Reads `<file>` as JSON.
    pub fn read_json<T: DeserializeOwned>(&self, file: &str) -> Result<T, Error> {
        read_json_file(&self.path(file))
    }
}

/// Reads and parses a JSON file, naming the path in errors.
pub(crate) fn read_json_file<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::format(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        run: &'static str,
        step: u64,
        #[serde(rename = "loss (nats)")]
        loss: f64,
    }

    #[test]
    fn csv_is_tidy_with_units_in_header() {
        let out = tempfile::tempdir().unwrap();
        let dir = ExperimentDir::create(out.path(), "demo").unwrap();
        assert!(dir.root().join("runs").is_dir() && dir.root().join("checkpoints").is_dir());
        let rows = [
            Row {
                run: "a",
                step: 1,
                loss: 0.5,
            },
            Row {
                run: "a",
                step: 10,
                loss: 0.1,
            },
        ];
        let p = dir.write_csv("data.csv", &rows).unwrap();
        let text = std::fs::read_to_string(p).unwrap();
        assert_eq!(text, "run,step,loss (nats)\na,1,0.5\na,10,0.1\n");
    }

    #[test]
    fn unusable_output_folder_is_a_config_error_naming_the_path() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        std::fs::write(&file, b"").unwrap();
        let e = ExperimentDir::create(&file, "demo").unwrap_err();
        assert!(e.to_string().contains("file/demo"), "{e}");
    }
}
