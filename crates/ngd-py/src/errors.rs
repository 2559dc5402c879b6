//! Library errors as Python exceptions.
//!
//! The exception classes live in the pure-Python module `ngd.errors` (so that they can inherit
//! from both `NgdError` and a built-in class); this file maps every error
//! enum of the library crates onto them, keeping the library's message:
//!
//! | library variant | Python class | built-in base |
//! |---|---|---|
//! | `Shape` | `ShapeError` | `ValueError` |
//! | `Invalid`, `Label`, `Degenerate`, config errors | `InvalidArgumentError` | `ValueError` |
//! | `NonFinite` | `NonFiniteError` | `ValueError` |
//! | `Singular` | `SingularError` | `ArithmeticError` |
//! | `NotConverged`, `Lapack`, `Solver`, `NotSeparable` | `SolverError` | `ArithmeticError` |
//! | experiment run / I/O errors | `ExperimentError` | `RuntimeError` |

use ngd_data::DataError;
use ngd_fisher::FisherError;
use ngd_harness::Error as ExperimentsError;
use ngd_models::ModelError;
use ngd_optim::OptimError;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// The exception classes of `ngd.errors` raised from Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A wrong shape (a `ValueError`).
    Shape,
    /// A parameter outside its allowed range or of the wrong kind (a `ValueError`).
    Invalid,
    /// A NaN or ±∞ where a finite value is needed (a `ValueError`).
    NonFinite,
    /// A singular system that the requested route needs non-singular (an `ArithmeticError`).
    Singular,
    /// A solver that failed or did not converge (an `ArithmeticError`).
    Solver,
    /// An experiment that could not run or write its results (a `RuntimeError`).
    Experiment,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Self::Shape => "ShapeError",
            Self::Invalid => "InvalidArgumentError",
            Self::NonFinite => "NonFiniteError",
            Self::Singular => "SingularError",
            Self::Solver => "SolverError",
            Self::Experiment => "ExperimentError",
        }
    }
}

/// A Python exception of class `kind` (from `ngd.errors`) carrying `message`. If the
/// `ngd.errors` module cannot be imported (the extension loaded without its package), the
/// import error is returned instead, so the failure is never silent.
pub fn raise(kind: Kind, message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| {
        let class = py
            .import("ngd.errors")
            .and_then(|module| module.getattr(kind.class_name()))
            .and_then(|class| class.cast_into::<PyType>().map_err(PyErr::from));
        match class {
            Ok(class) => PyErr::from_type(class, message),
            Err(import_error) => import_error,
        }
    })
}

/// A `ValueError` (`ShapeError`) for an argument of the wrong shape.
pub fn shape_error(argument: &str, expected: &str, found: &[usize]) -> PyErr {
    raise(
        Kind::Shape,
        format!("{argument}: expected shape {expected}, found {found:?}"),
    )
}

/// Converts a library error into its Python exception.
pub trait IntoPyErr {
    /// The Python exception with the library's message.
    fn into_py_err(self) -> PyErr;
}

impl IntoPyErr for FisherError {
    fn into_py_err(self) -> PyErr {
        let kind = match &self {
            Self::Shape { .. } => Kind::Shape,
            Self::Invalid { .. } => Kind::Invalid,
            Self::NonFinite { .. } => Kind::NonFinite,
            Self::Singular { .. } => Kind::Singular,
            Self::NotConverged { .. } | Self::Lapack { .. } | Self::Inaccurate { .. } => {
                Kind::Solver
            }
            Self::Model(inner) => return inner.clone().into_py_err(),
        };
        raise(kind, self.to_string())
    }
}

impl IntoPyErr for ModelError {
    fn into_py_err(self) -> PyErr {
        let kind = match &self {
            Self::Shape { .. } => Kind::Shape,
            Self::Invalid { .. } => Kind::Invalid,
            Self::NonFinite { .. } => Kind::NonFinite,
        };
        raise(kind, self.to_string())
    }
}

impl IntoPyErr for DataError {
    fn into_py_err(self) -> PyErr {
        let kind = match &self {
            Self::Shape { .. } => Kind::Shape,
            Self::NonFinite { .. } => Kind::NonFinite,
            _ => Kind::Invalid,
        };
        raise(kind, self.to_string())
    }
}

impl IntoPyErr for OptimError {
    fn into_py_err(self) -> PyErr {
        let kind = match self {
            Self::Model(e) => return e.into_py_err(),
            Self::Fisher(e) => return e.into_py_err(),
            Self::Shape { .. } => Kind::Shape,
            Self::Invalid { .. } => Kind::Invalid,
            Self::NonFinite { .. } => Kind::NonFinite,
            _ => Kind::Solver,
        };
        raise(kind, self.to_string())
    }
}

impl IntoPyErr for ExperimentsError {
    fn into_py_err(self) -> PyErr {
        let kind = match &self {
            Self::Config(_) => Kind::Invalid,
            _ => Kind::Experiment,
        };
        raise(kind, self.to_string())
    }
}

/// `Result<T, E>` → `PyResult<T>` for the library error types.
pub trait ToPyResult<T> {
    /// Maps the error with [`IntoPyErr`].
    fn py_err(self) -> PyResult<T>;
}

impl<T, E: IntoPyErr> ToPyResult<T> for Result<T, E> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(IntoPyErr::into_py_err)
    }
}
