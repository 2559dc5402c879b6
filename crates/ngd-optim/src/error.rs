//! The one error type of `ngd-optim`.

use ngd_fisher::FisherError;
use ngd_models::ModelError;
use thiserror::Error;

/// What can go wrong in an optimizer, a flow integrator or a baseline solver.
///
/// Divergence of a run is *not* an error: the executor reports it as
/// [`Stop::Diverged`](crate::Stop::Diverged). Errors are for bad input and for numerical
/// failures that leave no meaningful result.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum OptimError {
    /// An error from the model or loss code of `ngd-models`.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// An error from a natural-gradient solver of `ngd-fisher` (a singular system under the
    /// cut-off policy, a forced route whose preconditions fail, …).
    #[error(transparent)]
    Fisher(#[from] FisherError),
    /// A shape does not fit: names the quantity, the expected and the found shape.
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
    /// A non-finite value (NaN or ±∞) where a finite one is required.
    #[error("non-finite value in {what}")]
    NonFinite {
        /// Where the value was found.
        what: &'static str,
    },
    /// The data are not linearly separable, so no max-margin separator exists.
    #[error("data are not linearly separable: {what} is infeasible")]
    NotSeparable {
        /// The program that was found infeasible.
        what: &'static str,
    },
    /// An inner solver (interior point, SVD, …) did not deliver a solution.
    #[error("{what} failed: {detail}")]
    Solver {
        /// The solver or step that failed.
        what: &'static str,
        /// The solver's own status or message.
        detail: String,
    },
    /// An iterative method reached its iteration limit before its stopping criterion.
    #[error("{what} did not converge in {iterations} iterations (residual {residual:e})")]
    NotConverged {
        /// The method.
        what: &'static str,
        /// Iterations performed.
        iterations: usize,
        /// The residual reached.
        residual: f64,
    },
}
