//! Result files: atomic writes, the results folder layout, CSV tables, JSON files, the manifest.
//!
//! Folder contract, per experiment (`<out>/<experiment>/`):
//!
//! | file | content |
//! |---|---|
//! | `data.csv` (or several named CSVs) | tidy data: one row per run × recorded step, units in the header |
//! | `manifest.json` | full config, seed, git revision, crate versions, wall time, solver routes, run statuses |
//! | `summary.json` | headline numbers, claims, figure captions, diverged runs |
//! | `<plot>.svg`, `<plot>.png` | figures |
//! | `runs/<run-id>.json` | one finished run (written atomically when the run ends) |
//! | `checkpoints/<run-id>.<key>.json` | in-progress state of a run (removed once the run's result is written) |
//! | `README.md` | every file and CSV column, from the experiment's [`OutputDocs`] ([`readme`]) |
//! | `*.npy` | arrays an outsider needs to re-check the results (written with [`ExperimentDir::write_bytes`]) |
//!
//! The default `<out>` is `experiments/results` under the workspace root ([`default_out_dir`]).
//! Every file is written through [`write_atomic`]: a reader never sees a partial file. The
//! outputs of `finish` are staged and moved into place with `manifest.json` written last,
//! listing every file with its SHA-256 ([`commit_staged`]): a folder with a manifest is one
//! config's complete output.

mod atomic;
mod dir;
mod manifest;
pub mod readme;
mod staging;
mod stale;

pub use atomic::{persist, temporary_beside, write_atomic, write_json_atomic};
pub(crate) use dir::read_json_file;
pub use dir::{ExperimentDir, default_out_dir, workspace_root};
pub use manifest::{InputRecord, Manifest, RESULTS_FORMAT_VERSION, RunStatusEntry, crate_versions};
pub use readme::{FileDoc, OutputDocs};
pub use staging::{commit_staged, stage, verify_files};
