//! `ngd.fisher`: exact natural gradients, Fisher-vector products and NTKs on NumPy arrays.
//!
//! - [`diagonal`]: diagonal networks under the mean logistic loss — every route of
//!   `ngd_fisher::diag_natural_gradient`, the population Fisher, the dense reference;
//! - [`factorization`]: matrix factorizations under the squared loss — layer split and
//!   Moore–Penrose;
//! - [`products`]: Fisher-vector products `F(w) v` from the Jacobian pieces, and the tangent
//!   kernels of `ngd_fisher::ntk`.
//!
//! Every computation runs with the GIL released.

pub mod diagonal;
pub mod factorization;
pub mod products;

use crate::errors::ToPyResult;
use ngd_fisher::Cutoff;
use pyo3::prelude::*;

/// The cut-off policy from the Python `rcond` argument: `None` is numpy's default
/// `max(rows, cols) · ε`, a number is a fixed relative cut-off in `[0, 1)`.
///
/// # Errors
///
/// `ngd.InvalidArgumentError` for a value outside `[0, 1)` or not finite.
pub fn cutoff(rcond: Option<f64>) -> PyResult<Cutoff> {
    rcond.map_or(Ok(Cutoff::numpy_default()), |r| {
        Cutoff::relative(r).py_err()
    })
}

/// Adds the functions and classes of this module to the extension module.
///
/// # Errors
///
/// If a registration fails (out of memory).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    diagonal::register(m)?;
    factorization::register(m)?;
    products::register(m)
}
