//! Python bindings of ngd: the extension module `ngd._ngd` behind the Python package `ngd`
//! (`python/ngd`), built with maturin (`pip install ./crates/ngd-py`).
//!
//! One file per Python submodule, each a thin layer over the library crates:
//!
//! - [`models`] → `ngd.models`: diagonal networks and matrix factorizations;
//! - [`natural`] → `ngd.fisher`: natural gradients (every route), Fisher-vector products, NTKs;
//! - [`runs`] → `ngd.runs`: EGD / NGD runs through `ngd_optim::Executor`, the toy set;
//! - [`experiments`] → `ngd.experiments`: the registered experiments, run in-process;
//! - [`generic`] → `ngd.models.Model` (every model of the open engine) and
//!   `ngd.fisher.natural_gradient_generic` / the NTKs of any model (runs: `runs::generic`);
//!
//! and two shared files: [`convert`] (NumPy arrays in and out: dtypes, layouts, shapes) and
//! [`errors`] (library errors → the `ngd.errors` exception hierarchy). The extension module is
//! flat; the Python package's submodules re-export from it.

pub mod convert;
pub mod errors;
pub mod experiments;
pub mod generic;
pub mod models;
pub mod natural;
pub mod runs;

use pyo3::prelude::*;

/// The extension module `ngd._ngd`.
#[pymodule]
fn _ngd(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<models::PyDiagonalNet>()?;
    m.add_class::<models::PyMatrixFactorization>()?;
    generic::register(m)?;
    natural::register(m)?;
    runs::register(m)?;
    experiments::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))
}
