//! The one error type of `ngd-models`.

use thiserror::Error;

/// What can go wrong when building or evaluating a model.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelError {
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
    /// A non-finite value (NaN or ±∞) where a finite one is required.
    #[error("non-finite value in {what}")]
    NonFinite {
        /// Where the value was found.
        what: &'static str,
    },
}
