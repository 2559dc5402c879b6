//! NGD for deep matrix factorizations under the squared loss `½ Σ_Ω (β − M)²`, whose Fisher in
//! β is the identity: the natural gradient is any `(G_1, …, G_L)` with `Σ_i A_i G_i B_i = G`,
//! `G = P_Ω(β − M)`; the step is `W_i ← W_i − η G_i`. To first order every such step moves β by
//! `−η G` (the natural NTK is the identity), so unobserved entries stay at their initial values.

use crate::losses;
use crate::{CompletionProblem, OptimError, StepReport, StepRule};
use ndarray::Array2;
use ngd_fisher::FisherError;
use ngd_fisher::factorization::{FactorMethod, NaturalDirection, natural_direction};
use ngd_models::MatrixFactorization;
use ngd_models::factorization::pull_back;

/// Full-batch NGD with a fixed step for a deep matrix factorization.
#[derive(Debug, Clone)]
pub struct FactorizationNgd {
    step: f64,
    direction: NaturalDirection,
    grad_beta: Array2<f64>,
}

impl FactorizationNgd {
    /// A rule with step `η` (finite, positive) and the natural direction to use.
    pub fn new(step: f64, direction: NaturalDirection) -> Result<Self, OptimError> {
        if !(step.is_finite() && step > 0.0) {
            return Err(OptimError::Invalid {
                what: "NGD step size η",
                value: step.to_string(),
                allowed: "finite and positive",
            });
        }
        Ok(Self {
            step,
            direction,
            grad_beta: Array2::zeros((0, 0)),
        })
    }
}

fn method_label(method: FactorMethod) -> &'static str {
    match method {
        FactorMethod::LayerSplit => "layer-split",
        FactorMethod::Direct => "moore-penrose (direct)",
        FactorMethod::Sylvester => "moore-penrose (sylvester)",
        FactorMethod::ConjugateGradient => "moore-penrose (conjugate gradients)",
    }
}

impl StepRule<MatrixFactorization, CompletionProblem> for FactorizationNgd {
    fn step(
        &mut self,
        model: &mut MatrixFactorization,
        problem: &CompletionProblem,
    ) -> Result<StepReport, OptimError> {
        let beta = model.product();
        if self.grad_beta.dim() != beta.dim() {
            self.grad_beta = Array2::zeros(beta.raw_dim());
        }
        let loss = losses::squared_value_and_gradient(
            beta.view(),
            problem.target(),
            problem.mask(),
            self.grad_beta.view_mut(),
        )?;
        let non_finite = StepReport {
            loss,
            gradient_norm: f64::NAN,
            step_size: 0.0,
            info: None,
        };
        if !loss.is_finite() {
            return Ok(non_finite);
        }
        let natural =
            match natural_direction(model.factors(), self.grad_beta.view(), &self.direction) {
                Ok(natural) => natural,
                Err(FisherError::NonFinite { .. }) => return Ok(non_finite),
                Err(other) => return Err(other.into()),
            };
        // The Euclidean gradient norm ‖∇_w L‖ (the report's meaning), not the natural one.
        let gradient_norm = pull_back(model.factors(), self.grad_beta.view())
            .iter()
            .map(|g| g.iter().map(|x| x * x).sum::<f64>())
            .sum::<f64>()
            .sqrt();
        if !gradient_norm.is_finite() {
            return Ok(non_finite);
        }
        for (w, g) in model.factors_mut().iter_mut().zip(&natural.directions) {
            w.scaled_add(-self.step, g);
        }
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size: self.step,
            info: Some(method_label(natural.method)),
        })
    }
}
