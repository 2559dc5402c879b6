//! The open engine from Python: any model of `ngd_models` (one base class `ngd.models.Model`,
//! a subclass per shipped model), its natural gradients and tangent kernels
//! (`ngd.fisher.natural_gradient_generic`, …); the runs are in `crate::runs::generic`.
//!
//! - [`shared`]: the type-erased `Arc<dyn Network>` / `Arc<dyn Parametrization>` wrappers;
//! - [`models`]: the Python model classes;
//! - [`direction`]: the Python arguments choosing a natural gradient;
//! - [`natural`]: natural gradients and NTKs of any model.

pub mod direction;
pub mod models;
pub mod natural;
pub mod shared;

use pyo3::prelude::*;

/// Adds the classes and functions of the open engine to the extension module.
///
/// # Errors
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    models::register(m)?;
    natural::register(m)
}
