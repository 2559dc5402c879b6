//! NumPy arrays in and out of the bindings.
//!
//! **In.** Every array argument goes through [`float_array`]:
//!
//! - a `float64` array of the native byte order with non-negative strides is borrowed as it
//!   is, whatever its memory layout: C- or Fortran-ordered, sliced, strided and transposed
//!   views become an `ndarray` view on the same memory — **no copy** at the boundary (a route
//!   that needs a contiguous block copies inside the library, as it would for a Rust caller);
//! - a view with a **negative stride** (`a[::-1]`, `np.flip`) is copied to C order first:
//!   `ngd_fisher`'s kernel route reads the margins in memory order
//!   (`spd_lower.rs`: `t.to_owned()` keeps the reversed strides, then
//!   `as_slice_memory_order_mut` hands LAPACK the reversed vector), so a reversed view would
//!   give a wrong direction; the copy is the glue until that is fixed in the library;
//! - `float32`, `float16` and integer arrays (and lists / nested sequences) are **converted**
//!   to a new `float64` array (one copy; the widening is exact for floats and for integers up
//!   to 2⁵³);
//! - any other dtype (bool, complex, object, strings, `longdouble`) is a `TypeError` naming the
//!   argument;
//! - a wrong number of dimensions or a wrong size is a `ValueError` (`ngd.ShapeError`) naming the
//!   argument and the expected shape.
//!
//! **Out.** Results are new C-ordered `float64` arrays owned by Python.

use crate::errors::{Kind, raise, shape_error};
use ndarray::{ArrayView2, Dimension};
use numpy::{
    PyArray, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// Borrows `obj` as a read-only `float64` array with `D`'s number of dimensions, converting
/// `float32` / `float16` / integer input (see the module docs). `expected` describes the shape
/// for the error message, e.g. `"(N, D)"`.
///
/// # Errors
///
/// `TypeError` for an unsupported dtype, `ngd.ShapeError` (a `ValueError`) for a wrong number
/// of dimensions.
pub fn float_array<'py, D: Dimension>(
    obj: &Bound<'py, PyAny>,
    argument: &str,
    expected: &str,
) -> PyResult<PyReadonlyArray<'py, f64, D>> {
    let py = obj.py();
    let array = match obj.cast::<PyUntypedArray>() {
        Ok(array) => array.clone(),
        Err(_) => py
            .import("numpy")?
            .call_method1("asarray", (obj,))?
            .cast_into::<PyUntypedArray>()?,
    };
    let dtype = array.dtype();
    let native_f64 =
        dtype.kind() == b'f' && dtype.itemsize() == 8 && dtype.is_native_byteorder() != Some(false);
    let widening = matches!(dtype.kind(), b'f' if dtype.itemsize() <= 8)
        || matches!(dtype.kind(), b'i' | b'u');
    let array = if native_f64 {
        array
    } else if widening {
        array
            .call_method1("astype", ("float64",))?
            .cast_into::<PyUntypedArray>()?
    } else {
        let name = dtype.str()?.to_string();
        return Err(PyTypeError::new_err(format!(
            "{argument}: expected a float64 array (float32, float16 and integer arrays are \
             converted), found dtype {name}"
        )));
    };
    let array = if array.strides().iter().any(|&s| s < 0) {
        array.call_method0("copy")?.cast_into::<PyUntypedArray>()?
    } else {
        array
    };
    if array.ndim() != D::NDIM.unwrap_or(array.ndim()) {
        return Err(shape_error(argument, expected, array.shape()));
    }
    let typed = array
        .cast_into::<PyArray<f64, D>>()
        .map_err(|e| raise(Kind::Invalid, format!("{argument}: {e}")))?;
    typed.try_readonly().map_err(|e| {
        raise(
            Kind::Invalid,
            format!("{argument}: the array is being written elsewhere: {e}"),
        )
    })
}

/// Checks that `found` equals `expected` where `expected` is `Some`; the message shows
/// `description` (e.g. `"(L, D) = (2, 5)"`).
///
/// # Errors
///
/// `ngd.ShapeError` naming `argument`.
pub fn check_shape(
    argument: &str,
    found: &[usize],
    expected: &[Option<usize>],
    description: &str,
) -> PyResult<()> {
    let fits = found.len() == expected.len()
        && found
            .iter()
            .zip(expected)
            .all(|(f, e)| e.is_none_or(|e| e == *f));
    if fits {
        Ok(())
    } else {
        Err(shape_error(argument, description, found))
    }
}

/// Reads a list of equal-shaped `D × D` float64 matrices (the factors `W_1, …, W_L`), copying
/// them into owned arrays (the factorization routines take `&[Array2<f64>]`).
///
/// # Errors
///
/// As [`float_array`]; `ngd.ShapeError` unless every matrix is square and of the first one's
/// size; `ngd.InvalidArgumentError` for an empty list.
pub fn factor_list(
    items: &Bound<'_, PyAny>,
    argument: &str,
) -> PyResult<Vec<ndarray::Array2<f64>>> {
    let mut factors = Vec::new();
    for (i, item) in items.try_iter()?.enumerate() {
        let name = format!("{argument}[{i}]");
        let array = float_array::<ndarray::Ix2>(&item?, &name, "(D, D)")?;
        let view: ArrayView2<'_, f64> = array.as_array();
        let d = factors
            .first()
            .map_or(view.nrows(), |f: &ndarray::Array2<f64>| f.nrows());
        check_shape(
            &name,
            view.shape(),
            &[Some(d), Some(d)],
            &format!("({d}, {d})"),
        )?;
        factors.push(view.to_owned());
    }
    if factors.is_empty() {
        return Err(raise(
            Kind::Invalid,
            format!("{argument}: expected at least one factor, found an empty sequence"),
        ));
    }
    Ok(factors)
}
