//! The generic labelled problem: data `X` (`N × D`), targets `t ∈ ℝ^N` and an
//! [`OutputLoss`] on the outputs `s = f(X; w)` of any [`Network`] (any
//! [`Parametrization`](ngd_models::Parametrization) through
//! [`LinearInInput`](ngd_models::LinearInInput)).
//!
//! For a nonlinear network the logistic margins are `u = y ⊙ f(X; w)`, so the signed data
//! `X̃` alone (as in [`ClassificationProblem`](crate::ClassificationProblem)) is not enough:
//! the problem keeps `X` and the targets apart. The model state of the generic rules is the
//! flat parameter vector `w ∈ ℝ^P` (`Array1<f64>`); the problem owns the network description,
//! so `L(w)` and `∇_w L(w) = Jᵀ ∂L/∂s` are functions of `w` alone.

use crate::{Objective, OptimError};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use ngd_models::{Network, OutputLoss};

/// A labelled problem for a network: `L(w) = loss(f(X; w), t)`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkProblem<N> {
    network: N,
    x: Array2<f64>,
    targets: Array1<f64>,
    loss: OutputLoss,
}

impl<N: Network> NetworkProblem<N> {
    /// Wraps a network, data `x` (`N × D`, `D` the network's input dimension), targets (length
    /// `N`; `±1` labels for the logistic loss) and the loss.
    ///
    /// # Errors
    /// [`OptimError::Shape`] when `N = 0` or the columns, or the target count, do not fit;
    /// [`OptimError::NonFinite`] for a non-finite datum; the loss's target errors (a label not
    /// `±1`, a non-finite target) as [`OptimError::Model`].
    pub fn new(
        network: N,
        x: Array2<f64>,
        targets: Array1<f64>,
        loss: OutputLoss,
    ) -> Result<Self, OptimError> {
        let (n, d) = x.dim();
        if n == 0 || d != network.input_dim() {
            return Err(OptimError::Shape {
                what: "data X",
                expected: format!("N × {} with N ≥ 1", network.input_dim()),
                found: format!("{n} × {d}"),
            });
        }
        if targets.len() != n {
            return Err(OptimError::Shape {
                what: "targets",
                expected: format!("length N = {n}"),
                found: format!("length {}", targets.len()),
            });
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(OptimError::NonFinite { what: "data X" });
        }
        loss.check_targets(targets.view())?;
        Ok(Self {
            network,
            x,
            targets,
            loss,
        })
    }

    /// The network.
    pub fn network(&self) -> &N {
        &self.network
    }

    /// The data `X`, `N × D`.
    pub fn x(&self) -> ArrayView2<'_, f64> {
        self.x.view()
    }

    /// The targets (labels for the logistic loss).
    pub fn targets(&self) -> ArrayView1<'_, f64> {
        self.targets.view()
    }

    /// The loss on the outputs.
    pub fn output_loss(&self) -> OutputLoss {
        self.loss
    }

    /// The number of samples `N`.
    pub fn samples(&self) -> usize {
        self.x.nrows()
    }

    /// The outputs `s = f(X; w)`.
    ///
    /// # Errors
    /// [`OptimError::Model`] when `w` has not `P` entries.
    pub fn outputs(&self, w: ArrayView1<'_, f64>) -> Result<Array1<f64>, OptimError> {
        Ok(self.network.outputs(w, self.x.view())?)
    }

    /// The loss `L(w)`.
    ///
    /// # Errors
    /// As [`Self::outputs`].
    pub fn loss_value(&self, w: ArrayView1<'_, f64>) -> Result<f64, OptimError> {
        let outputs = self.outputs(w)?;
        Ok(self.loss.value(outputs.view(), self.targets.view())?)
    }

    /// The loss `L(w)` and its gradient `∇_w L = Jᵀ ∂L/∂s` (one forward pass, one
    /// vector–Jacobian product).
    ///
    /// # Errors
    /// As [`Self::outputs`].
    pub fn loss_and_gradient(
        &self,
        w: ArrayView1<'_, f64>,
    ) -> Result<(f64, Array1<f64>), OptimError> {
        let outputs = self.outputs(w)?;
        let loss = self.loss.value(outputs.view(), self.targets.view())?;
        let grad_outputs = self.loss.gradient(outputs.view(), self.targets.view())?;
        let gradient = self.network.vjp(w, self.x.view(), grad_outputs.view())?;
        Ok((loss, gradient))
    }

    /// The loss `L(w)` and the loss-normalized gradient `∇_w L / L = Jᵀ (∂L/∂s / L)`, whose
    /// output-space factor is evaluated in rescaled form
    /// ([`OutputLoss::normalized_gradient`]) so that it stays finite after `L` underflows.
    ///
    /// # Errors
    /// As [`Self::outputs`]; for the squared loss, an exact fit (`L = 0`).
    pub fn loss_and_normalized_gradient(
        &self,
        w: ArrayView1<'_, f64>,
    ) -> Result<(f64, Array1<f64>), OptimError> {
        let outputs = self.outputs(w)?;
        let (loss, direction) = self
            .loss
            .normalized_gradient(outputs.view(), self.targets.view())?;
        let gradient = self.network.vjp(w, self.x.view(), direction.view())?;
        Ok((loss, gradient))
    }
}

impl<N: Network> Objective<Array1<f64>> for NetworkProblem<N> {
    /// The loss `L(w)` of the flat parameters.
    fn loss(&self, w: &Array1<f64>) -> Result<f64, OptimError> {
        self.loss_value(w.view())
    }
}
