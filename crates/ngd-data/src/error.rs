//! The one error type of `ngd-data`.

use thiserror::Error;

/// What can go wrong when generating, validating or scoring a data set.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DataError {
    /// A parameter is outside its allowed range: the message names it, its value and what is
    /// allowed.
    #[error("invalid {what}: {value} ({allowed})")]
    Invalid {
        /// The parameter's name.
        what: &'static str,
        /// The value given, formatted.
        value: String,
        /// What is allowed.
        allowed: &'static str,
    },
    /// Two shapes do not fit together.
    #[error("shape mismatch for {what}: expected {expected}, found {found}")]
    Shape {
        /// The quantity whose shape is wrong.
        what: &'static str,
        /// The expected shape.
        expected: String,
        /// The shape that was given.
        found: String,
    },
    /// A non-finite value (NaN or ±∞) where a finite one is required.
    #[error("non-finite value in {what} at index {index}")]
    NonFinite {
        /// Where the value was found.
        what: &'static str,
        /// The flat (row-major) index of the first offending value.
        index: usize,
    },
    /// A label that is not exactly `+1` or `−1`.
    #[error("label {index} is {value}; labels must be exactly +1 or -1")]
    Label {
        /// The row of the offending label.
        index: usize,
        /// The label found.
        value: f64,
    },
    /// A quantity that must be non-zero to normalize by is zero.
    #[error("degenerate {what}: {why}")]
    Degenerate {
        /// The quantity.
        what: &'static str,
        /// Why it cannot be used.
        why: &'static str,
    },
}

/// Returns an error naming `what` and the first non-finite value's position, if any.
pub(crate) fn check_finite<'a>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a f64>,
) -> Result<(), DataError> {
    match values.into_iter().position(|v| !v.is_finite()) {
        Some(index) => Err(DataError::NonFinite { what, index }),
        None => Ok(()),
    }
}
