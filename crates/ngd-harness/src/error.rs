//! The error type of the experiment framework and the `ngd` tool.
//!
//! Three kinds of failure, with different exit codes (see [`Error::exit_code`]):
//!
//! - [`ConfigError`]: the user asked for something impossible (unknown experiment, unreadable or
//!   malformed config, unknown key, wrong type, out-of-range value, unusable output folder).
//!   Reported before any work starts; exit code 2, one line on stderr.
//! - [`RunError`]: a run failed while computing (numerical failure, I/O on checkpoints).
//!   Divergence is *not* an error of the experiment: it is recorded via
//!   [`RunError::Diverged`] and the other runs go on. Exit code 1.
//! - I/O errors on result files, always naming the path. Exit code 1.

use std::path::{Path, PathBuf};

/// The most characters of an offending value that a message shows.
pub const CLIP_CHARS: usize = 200;

/// `text` cut to at most `max` characters, with `… (N characters in all)` when cut, so that a
/// message never echoes a huge value whole.
pub fn clip(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        text.to_string()
    } else {
        let head: String = text.chars().take(max).collect();
        format!("{head}… ({count} characters in all)")
    }
}

/// A configuration or usage mistake, detected before any work starts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A field has a value outside its allowed range.
    #[error("invalid value for `{field}`: {value} (allowed: {allowed})")]
    OutOfRange {
        /// The field's name, as in the TOML file (`a.b` for nested fields).
        field: String,
        /// The offending value, rendered.
        value: String,
        /// What is allowed, in words (`an integer ≥ 1`).
        allowed: String,
    },
    /// Two fields are inconsistent with each other.
    #[error("inconsistent config: {0}")]
    Inconsistent(String),
    /// A key that the experiment's config does not have.
    #[error("unknown key `{key}` in {source_name}: {message}")]
    UnknownKey {
        /// The key.
        key: String,
        /// Where it came from (file path or `--set`).
        source_name: String,
        /// The deserializer's message listing the allowed keys.
        message: String,
    },
    /// A value of the wrong type, or another deserialization problem at a known key.
    #[error("bad value for `{key}` in {source_name}: {message}")]
    BadValue {
        /// The key (or `?` if it could not be located).
        key: String,
        /// Where it came from.
        source_name: String,
        /// The deserializer's message.
        message: String,
    },
    /// The TOML text does not parse.
    #[error("malformed TOML in {source_name}{location}: {message}")]
    Syntax {
        /// File path or `--set`.
        source_name: String,
        /// `:line:column`, or empty.
        location: String,
        /// The parser's message.
        message: String,
    },
    /// A config file could not be read.
    #[error("cannot read config file {}: {message}", path.display())]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// The OS message.
        message: String,
    },
    /// No experiment with this name is registered.
    #[error("unknown experiment `{name}` (available: {available})")]
    UnknownExperiment {
        /// The requested name.
        name: String,
        /// Comma-separated registered names.
        available: String,
    },
    /// The output folder cannot be created or written.
    #[error("output folder {} is not usable: {message}", path.display())]
    OutputFolder {
        /// The path.
        path: PathBuf,
        /// The OS message.
        message: String,
    },
    /// Another usage mistake (bad plan file, index out of range, …).
    #[error("{0}")]
    Usage(String),
}

impl ConfigError {
    /// Shorthand for [`ConfigError::OutOfRange`].
    pub fn out_of_range(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        allowed: impl Into<String>,
    ) -> Self {
        Self::OutOfRange {
            field: field.into(),
            value: clip(&value.to_string(), CLIP_CHARS),
            allowed: allowed.into(),
        }
    }
}

/// The error a study's computation reports, kept whole (its `source()` chain intact).
pub type BoxedError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a single run stopped early.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The optimization diverged (non-finite loss, overflow, …). Recorded, not fatal.
    #[error("diverged at step {step}: {cause}")]
    Diverged {
        /// The step at which divergence was detected.
        step: u64,
        /// What was observed.
        cause: String,
    },
    /// A computation failed (singular system, invalid shapes, …). Fatal for this run. The
    /// study's typed error is kept as the source.
    #[error("run failed: {0}")]
    Failed(#[source] BoxedError),
    /// The run was cancelled (e.g. Ctrl-C in the Python package); its last checkpoint, written
    /// on the way out, lets `--resume` continue it.
    #[error("cancelled")]
    Cancelled,
    /// Reading or writing a checkpoint failed.
    #[error("checkpoint {}: {message}", path.display())]
    Checkpoint {
        /// The checkpoint path.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl RunError {
    /// Wraps a study's typed error as [`RunError::Failed`], keeping it as the source.
    pub fn failed(e: impl Into<BoxedError>) -> Self {
        Self::Failed(e.into())
    }
}

/// Every error the `ngd` tool can report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration or usage mistake (exit code 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// One or more runs failed (exit code 1).
    #[error("experiment `{experiment}`: {count} run(s) failed; first: run `{run_id}`: {source}")]
    Run {
        /// The experiment.
        experiment: String,
        /// How many runs failed.
        count: usize,
        /// The first failed run.
        run_id: String,
        /// Its error.
        source: RunError,
    },
    /// An I/O error on a named path (exit code 1).
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A result could not be serialized or parsed back (exit code 1).
    #[error("{}: {message}", path.display())]
    Format {
        /// The path.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Stored results contradict what the config planned, e.g. a planned series without any
    /// completed run (exit code 1). The study's typed error is the source.
    #[error("{}: {source}", path.display())]
    Results {
        /// The file that could not be written from them.
        path: PathBuf,
        /// What is inconsistent.
        source: BoxedError,
    },
    /// Plotting failed (exit code 1).
    #[error("plot {}: {message}", path.display())]
    Plot {
        /// The plot's path.
        path: PathBuf,
        /// The backend's message.
        message: String,
    },
    /// The operating system refused to start a worker thread (exit code 1).
    #[error("could not start a worker thread: {0}")]
    Thread(std::io::Error),
}

impl Error {
    /// The process exit code: 2 for user/config mistakes, 1 for run failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Config(_) => 2,
            _ => 1,
        }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Shorthand for [`Error::Format`].
    pub fn format(path: &Path, message: impl std::fmt::Display) -> Self {
        Self::Format {
            path: path.to_path_buf(),
            message: message.to_string(),
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
