//! The one error type of `ngd-fisher`.

use ngd_models::ModelError;
use thiserror::Error;

/// What can go wrong when computing a Fisher matrix or a natural gradient.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum FisherError {
    /// A shape does not fit: the message names the quantity, the expected and the found shape.
    #[error("shape mismatch for {what}: expected {expected}, found {found}")]
    Shape {
        /// The quantity whose shape is wrong.
        what: &'static str,
        /// The expected shape.
        expected: String,
        /// The shape that was given.
        found: String,
    },
    /// A parameter is outside its allowed range.
    #[error("invalid {what}: {value} ({allowed})")]
    Invalid {
        /// The parameter's name.
        what: &'static str,
        /// The value given, formatted.
        value: String,
        /// What is allowed.
        allowed: &'static str,
    },
    /// A non-finite value (NaN or ±∞) in an input or a result.
    #[error("non-finite value in {what}")]
    NonFinite {
        /// Where the value was found.
        what: &'static str,
    },
    /// A linear system that the chosen route needs to be non-singular is singular (numerically,
    /// under the relative cut-off of [`crate::linalg::Cutoff`]).
    #[error("singular {what}: effective rank {rank} < {needed}{hint}")]
    Singular {
        /// The matrix that is singular.
        what: &'static str,
        /// Its effective rank.
        rank: usize,
        /// The rank needed.
        needed: usize,
        /// A hint on the cause, possibly empty (starts with "; ").
        hint: String,
    },
    /// An iterative solver stopped before reaching its tolerance.
    #[error(
        "{what} did not converge: relative residual {residual:e} > tolerance {tolerance:e} after {iterations} iterations"
    )]
    NotConverged {
        /// The solver.
        what: &'static str,
        /// Iterations performed.
        iterations: usize,
        /// The final relative residual.
        residual: f64,
        /// The requested tolerance.
        tolerance: f64,
    },
    /// A model (Jacobian product, loss) of `ngd-models` rejected its input.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A solve whose own accuracy check failed: the estimated relative error of the result
    /// exceeds the documented bound (see `docs/math.md`, "Accuracy checks"), so no result is
    /// returned rather than a wrong one.
    #[error(
        "inaccurate {route} result: estimated relative error {estimate:e} > bound {bound:e}{reason}"
    )]
    Inaccurate {
        /// The route (solver) that produced the rejected result.
        route: &'static str,
        /// Its estimated relative error (`inf` when the error cannot be bounded at all).
        estimate: f64,
        /// The bound it exceeds.
        bound: f64,
        /// Why, possibly empty (starts with "; ").
        reason: String,
    },
    /// LAPACK reported a failure.
    #[error("LAPACK failure in {what}: {message}")]
    Lapack {
        /// The operation.
        what: &'static str,
        /// The LAPACK error, formatted.
        message: String,
    },
}

impl FisherError {
    /// Wraps an `ndarray-linalg` error raised by the operation `what`.
    pub(crate) fn lapack(what: &'static str, err: ndarray_linalg::error::LinalgError) -> Self {
        Self::Lapack {
            what,
            message: err.to_string(),
        }
    }
}
