//! The error of the paper's computations: each lower crate's typed error (kept whole, matchable,
//! with its `source()` chain), and the few conditions the experiments check themselves.
//!
//! A run reports it to the harness as [`RunError::Failed`] (exit code 1), which keeps it as the
//! source; [`RunError`]s of the harness itself (divergence, checkpoints) pass through unchanged.

use ngd_harness::{ConfigError, RunError};

/// Why a computation of an experiment failed.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// Data generation or transformation failed.
    #[error(transparent)]
    Data(#[from] ngd_data::DataError),
    /// A model rejected its input.
    #[error(transparent)]
    Model(#[from] ngd_models::ModelError),
    /// A natural-gradient solve failed.
    #[error(transparent)]
    Fisher(#[from] ngd_fisher::FisherError),
    /// A step rule, executor or baseline failed.
    #[error(transparent)]
    Optim(#[from] ngd_optim::OptimError),
    /// A dense solve of a reference computation failed.
    #[error(transparent)]
    Linalg(#[from] ndarray_linalg::error::LinalgError),
    /// A stored array does not fit its recorded shape.
    #[error(transparent)]
    Shape(#[from] ndarray::ShapeError),
    /// A checkpointed array does not have the shape of this run's model.
    #[error("checkpointed {what} has shape {found}, expected {expected}")]
    StateShape {
        /// What the array is, e.g. `factor`.
        what: &'static str,
        /// The run's shape.
        expected: String,
        /// The stored shape.
        found: String,
    },
    /// An input (a data file) turned out unusable while the run read it.
    #[error(transparent)]
    Input(#[from] ConfigError),
    /// An iterate or a loss became NaN or infinite where the method must keep it finite.
    #[error("{method} produced a non-finite iterate")]
    NonFinite {
        /// The method, e.g. `NGD`.
        method: &'static str,
    },
    /// A run stopped for a reason its loop does not expect.
    #[error("stopped: {reason}")]
    UnexpectedStop {
        /// The executor's stop reason, rendered.
        reason: String,
    },
    /// The experiment's own bookkeeping is inconsistent (a bug, not bad input).
    #[error("internal: {0}")]
    Internal(String),
}

impl From<ExperimentError> for RunError {
    fn from(e: ExperimentError) -> Self {
        RunError::Failed(Box::new(e))
    }
}
