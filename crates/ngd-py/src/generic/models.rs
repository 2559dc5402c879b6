//! `ngd.models.Model` and its subclasses: every shipped model of the open engine
//! (`ngd_models::{LinearModel, DiagonalParametrization, FactorizationParametrization,
//! DeepLinearNet, TwoLayerTanh, TwoLayerRelu}`) behind one Python base class, with its outputs,
//! Jacobian–vector products and dense Jacobian on flat parameters `w ∈ ℝ^P`.
//!
//! A model is a stateless description (an architecture); the parameters are passed to every
//! call. A parametrization (linear in its input) scores data as `s = X β(w)`, and also has the
//! `β`-space maps (`x=None`); a network scores `s = f(x; w)`. Adding a model is one
//! `model_class!` line with its constructor.

use super::shared::{SharedNetwork, SharedParametrization};
use crate::convert::{check_shape, float_array};
use crate::errors::{Kind, ToPyResult, raise};
use ndarray::{Ix1, Ix2};
use ngd_models::{
    DeepLinearNet, DiagonalParametrization, FactorizationParametrization, LinearInInput,
    LinearModel, Network, Parametrization, TwoLayerRelu, TwoLayerTanh,
};
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use numpy::{PyArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use std::sync::Arc;

/// Any model of the open engine (the base class of `ngd.models.LinearModel`, …).
#[pyclass(name = "Model", module = "ngd.models", subclass, frozen)]
#[derive(Clone)]
pub struct PyModel {
    /// The model as a network `s = f(x; w)` (a parametrization through `LinearInInput`).
    pub network: SharedNetwork,
    /// The parametrization `β(w)` when the model is linear in its input.
    pub parametrization: Option<SharedParametrization>,
    /// The widths `[D, h_1, …, 1]` of a full-matrix deep linear net (the K-FAC layout).
    pub kfac_widths: Option<Vec<usize>>,
    /// The Python `repr`.
    pub description: String,
}

impl PyModel {
    /// Wraps a parametrization (scored as `s = X β(w)`).
    fn parametrization<P>(model: P, description: String) -> Self
    where
        P: Parametrization + Send + Sync + 'static,
    {
        let shared = SharedParametrization(Arc::new(model));
        Self {
            network: SharedNetwork(Arc::new(LinearInInput(shared.clone()))),
            parametrization: Some(shared),
            kfac_widths: None,
            description,
        }
    }

    /// Wraps a network.
    fn network<N: Network + Send + Sync + 'static>(model: N, description: String) -> Self {
        Self {
            network: SharedNetwork(Arc::new(model)),
            parametrization: None,
            kfac_widths: None,
            description,
        }
    }

    /// Reads a flat vector of `P` parameters named `argument`.
    ///
    /// # Errors
    /// `TypeError` / `ngd.ShapeError` naming `argument`.
    pub fn read_params<'py>(
        &self,
        w: &Bound<'py, PyAny>,
        argument: &str,
    ) -> PyResult<PyReadonlyArray1<'py, f64>> {
        read_vector(w, argument, self.network.param_count(), "P")
    }

    /// Reads the inputs `x` `(N, D)`.
    ///
    /// # Errors
    /// `TypeError` / `ngd.ShapeError` naming `x`.
    pub fn read_inputs<'py>(&self, x: &Bound<'py, PyAny>) -> PyResult<PyReadonlyArray2<'py, f64>> {
        let d = self.network.input_dim();
        let expected = format!("(N, D) = (N, {d})");
        let x = float_array::<Ix2>(x, "x", &expected)?;
        check_shape("x", x.shape(), &[None, Some(d)], &expected)?;
        Ok(x)
    }

    fn beta_space(&self, what: &str) -> PyResult<&SharedParametrization> {
        self.parametrization.as_ref().ok_or_else(|| {
            raise(
                Kind::Invalid,
                format!(
                    "x: {what} without data needs a model linear in its input; {} is a network, \
                     pass the inputs x",
                    self.description
                ),
            )
        })
    }
}

/// Reads a vector of length `len` (`symbol` names the length in the message).
///
/// # Errors
/// `TypeError` / `ngd.ShapeError` naming `argument`.
pub fn read_vector<'py>(
    v: &Bound<'py, PyAny>,
    argument: &str,
    len: usize,
    symbol: &str,
) -> PyResult<PyReadonlyArray1<'py, f64>> {
    let expected = format!("({symbol},) = ({len},)");
    let v = float_array::<Ix1>(v, argument, &expected)?;
    check_shape(argument, v.shape(), &[Some(len)], &expected)?;
    Ok(v)
}

type Vector<'py> = Bound<'py, PyArray1<f64>>;

#[pymethods]
impl PyModel {
    /// The number of parameters `P`.
    #[getter]
    fn param_count(&self) -> usize {
        self.network.param_count()
    }

    /// The input dimension `D` (columns of `x`).
    #[getter]
    fn input_dim(&self) -> usize {
        self.network.input_dim()
    }

    /// Whether the model is linear in its input (`s = X β(w)`, `beta` available).
    #[getter]
    fn linear_in_input(&self) -> bool {
        self.parametrization.is_some()
    }

    /// The parameter blocks (layers) as `(start, stop)` pairs partitioning `0..P`.
    fn layers(&self) -> Vec<(usize, usize)> {
        let layers = self.network.layers();
        layers.into_iter().map(|r| (r.start, r.end)).collect()
    }

    /// The outputs `s = f(x; w)`, `(N,)`.
    fn outputs<'py>(
        &self,
        py: Python<'py>,
        w: &Bound<'py, PyAny>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Vector<'py>> {
        let (w, x) = (self.read_params(w, "w")?, self.read_inputs(x)?);
        let (w, x) = (w.as_array(), x.as_array());
        Ok(py
            .detach(|| self.network.outputs(w, x))
            .py_err()?
            .into_pyarray(py))
    }

    /// The end-to-end coefficients `β(w)` `(D_β,)` of a model linear in its input.
    fn beta<'py>(&self, py: Python<'py>, w: &Bound<'py, PyAny>) -> PyResult<Vector<'py>> {
        let p = self.beta_space("beta")?;
        let w = self.read_params(w, "w")?;
        Ok(p.beta(w.as_array()).py_err()?.into_pyarray(py))
    }

    /// `J v` `(N,)` with `J = ∂s/∂w` on `x`, or `(D_β,)` with `J = ∂β/∂w` when `x` is `None`.
    #[pyo3(signature = (w, v, x = None))]
    fn jvp<'py>(
        &self,
        py: Python<'py>,
        w: &Bound<'py, PyAny>,
        v: &Bound<'py, PyAny>,
        x: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Vector<'py>> {
        let w = self.read_params(w, "w")?;
        let v = self.read_params(v, "v")?;
        let (w, v) = (w.as_array(), v.as_array());
        let out = match x {
            Some(x) => {
                let x = self.read_inputs(x)?;
                let x = x.as_array();
                py.detach(|| self.network.jvp(w, x, v))
            }
            None => self.beta_space("jvp")?.jvp(w, v),
        };
        Ok(out.py_err()?.into_pyarray(py))
    }

    /// `Jᵀ u` `(P,)`: `u` `(N,)` on `x`, or `(D_β,)` in `β` space when `x` is `None`.
    #[pyo3(signature = (w, u, x = None))]
    fn vjp<'py>(
        &self,
        py: Python<'py>,
        w: &Bound<'py, PyAny>,
        u: &Bound<'py, PyAny>,
        x: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Vector<'py>> {
        let w = self.read_params(w, "w")?;
        let out = match x {
            Some(x) => {
                let x = self.read_inputs(x)?;
                let u = read_vector(u, "u", x.shape()[0], "N")?;
                let (w, x, u) = (w.as_array(), x.as_array(), u.as_array());
                py.detach(|| self.network.vjp(w, x, u))
            }
            None => {
                let p = self.beta_space("vjp")?;
                let u = read_vector(u, "u", p.beta_dim(), "D_beta")?;
                p.vjp(w.as_array(), u.as_array())
            }
        };
        Ok(out.py_err()?.into_pyarray(py))
    }

    /// The dense Jacobian: `∂s/∂w` `(N, P)` on `x`, or `∂β/∂w` `(D_β, P)` when `x` is `None`.
    #[pyo3(signature = (w, x = None))]
    fn jacobian<'py>(
        &self,
        py: Python<'py>,
        w: &Bound<'py, PyAny>,
        x: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let w = self.read_params(w, "w")?;
        let w = w.as_array();
        let out = match x {
            Some(x) => {
                let x = self.read_inputs(x)?;
                let x = x.as_array();
                py.detach(|| self.network.jacobian(w, x))
            }
            None => {
                let p = self.beta_space("jacobian")?;
                py.detach(|| p.jacobian(w))
            }
        };
        Ok(PyArray::from_owned_array(py, out.py_err()?))
    }

    fn __repr__(&self) -> String {
        self.description.clone()
    }
}

/// Declares a Python subclass of `Model` whose constructor takes `args` and builds the model
/// with `build` (an expression of the arguments returning `PyResult<PyModel>`).
macro_rules! model_class {
    ($(#[$doc:meta])* $class:ident, $name:literal, ($($arg:ident: $ty:ty),*), $build:expr) => {
        $(#[$doc])*
        #[pyclass(extends = PyModel, name = $name, module = "ngd.models", frozen)]
        pub struct $class;

        #[pymethods]
        impl $class {
            #[new]
            fn new($($arg: $ty),*) -> PyResult<PyClassInitializer<Self>> {
                let model: PyResult<PyModel> = $build;
                Ok(PyClassInitializer::from(model?).add_subclass(Self))
            }
        }
    };
}

model_class!(
    /// The linear model `β = w` (`P = D`).
    PyLinearModel, "LinearModel", (dim: usize),
    Ok(PyModel::parametrization(LinearModel::new(dim).py_err()?, format!("LinearModel(dim={dim})")))
);
model_class!(
    /// The diagonal network `β = w_1 ⊙ … ⊙ w_L`, `w = (w_1, …, w_L)` (`P = L·D`).
    PyDiagonalParametrization, "DiagonalParametrization", (depth: usize, dim: usize),
    Ok(PyModel::parametrization(
        DiagonalParametrization::new(depth, dim).py_err()?,
        format!("DiagonalParametrization(depth={depth}, dim={dim})"),
    ))
);
model_class!(
    /// The matrix factorization `β = vec(W_1 ⋯ W_L)` of `dim × dim` factors (`P = L·D²`).
    PyFactorizationParametrization, "FactorizationParametrization", (depth: usize, dim: usize),
    Ok(PyModel::parametrization(
        FactorizationParametrization::new(depth, dim).py_err()?,
        format!("FactorizationParametrization(depth={depth}, dim={dim})"),
    ))
);
model_class!(
    /// The full-matrix deep linear net `s = W_L ⋯ W_1 x` with hidden widths `hidden`.
    PyDeepLinearNet, "DeepLinearNet", (dim: usize, hidden: Vec<usize>),
    {
        let net = DeepLinearNet::new(dim, &hidden).py_err()?;
        let widths = net.widths().to_vec();
        let mut model = PyModel::parametrization(net, format!("DeepLinearNet(dim={dim}, hidden={hidden:?})"));
        model.kfac_widths = Some(widths);
        Ok(model)
    }
);
model_class!(
    /// The two-layer network `s(x) = vᵀ tanh(W x)`, `w = (vec_row W, v)` (`P = H·D + H`).
    PyTwoLayerTanh, "TwoLayerTanh", (dim: usize, hidden: usize),
    Ok(PyModel::network(TwoLayerTanh::new(dim, hidden).py_err()?, format!("TwoLayerTanh(dim={dim}, hidden={hidden})")))
);
model_class!(
    /// The two-layer network `s(x) = vᵀ relu(W x)` (`relu'(0) = 0`).
    PyTwoLayerRelu, "TwoLayerRelu", (dim: usize, hidden: usize),
    Ok(PyModel::network(TwoLayerRelu::new(dim, hidden).py_err()?, format!("TwoLayerRelu(dim={dim}, hidden={hidden})")))
);

/// Adds the model classes to the module.
///
/// # Errors
/// If a registration fails.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyModel>()?;
    m.add_class::<PyLinearModel>()?;
    m.add_class::<PyDiagonalParametrization>()?;
    m.add_class::<PyFactorizationParametrization>()?;
    m.add_class::<PyDeepLinearNet>()?;
    m.add_class::<PyTwoLayerTanh>()?;
    m.add_class::<PyTwoLayerRelu>()
}
