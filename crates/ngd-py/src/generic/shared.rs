//! Type-erased models: any [`Network`] or [`Parametrization`] behind an `Arc<dyn …>`, so one
//! Python class (`ngd.models.Model`) holds every shipped model and the generic routines of
//! `ngd_fisher::generic` / `ngd_optim` (generic over `N: Network`) run on it unchanged.
//!
//! [`SharedParametrization`] forwards every method to the erased parametrization, so
//! `LinearInInput<SharedParametrization>` is the network `s = X P(w)`; [`SharedNetwork`]
//! forwards to an erased network (a sized type, as `NetworkProblem<N>` needs).

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use ngd_models::{ModelError, Network, Parametrization};
use std::ops::Range;
use std::sync::Arc;

/// An erased parametrization `w ↦ β = P(w)`, shareable across threads.
#[derive(Clone)]
pub struct SharedParametrization(pub Arc<dyn Parametrization + Send + Sync>);

impl Parametrization for SharedParametrization {
    fn param_count(&self) -> usize {
        self.0.param_count()
    }

    fn beta_dim(&self) -> usize {
        self.0.beta_dim()
    }

    fn beta(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, ModelError> {
        self.0.beta(w)
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        self.0.jvp(w, v)
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        self.0.vjp(w, u)
    }

    fn jacobian(&self, w: ArrayView1<'_, f64>) -> Result<Array2<f64>, ModelError> {
        self.0.jacobian(w)
    }

    fn layers(&self) -> Vec<Range<usize>> {
        self.0.layers()
    }
}

/// An erased network `s = f(x; w)`, shareable across threads.
#[derive(Clone)]
pub struct SharedNetwork(pub Arc<dyn Network + Send + Sync>);

impl Network for SharedNetwork {
    fn param_count(&self) -> usize {
        self.0.param_count()
    }

    fn input_dim(&self) -> usize {
        self.0.input_dim()
    }

    fn outputs(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        self.0.outputs(w, x)
    }

    fn jvp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        v: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        self.0.jvp(w, x, v)
    }

    fn vjp(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
        u: ArrayView1<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        self.0.vjp(w, x, u)
    }

    fn jacobian(
        &self,
        w: ArrayView1<'_, f64>,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, ModelError> {
        self.0.jacobian(w, x)
    }

    fn layers(&self) -> Vec<Range<usize>> {
        self.0.layers()
    }
}
