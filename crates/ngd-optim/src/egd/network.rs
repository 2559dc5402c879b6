//! EGD `w_{t+1} = w_t − η_t ∇_w L(w_t)` for any [`Network`] (any parametrization through
//! [`LinearInInput`](ngd_models::LinearInInput)) on a [`NetworkProblem`], the model state being
//! the flat parameters `w` (`Array1<f64>`).
//!
//! The step sizes are those of the diagonal rule ([`EgdStep`] = [`DiagonalStep`]): fixed, or
//! loss-normalized `η_t = η / L(w_t)`. The loss-normalized step is taken as
//! `w ← w − η (∇_w L / L)` with the ratio evaluated in rescaled form
//! ([`NetworkProblem::loss_and_normalized_gradient`]): equal to the diagonal rule's in exact
//! arithmetic, but it does not stop at [`DiagonalStep::LOSS_FLOOR`] — it goes on after `L`
//! underflows (reported `loss` 0, `step_size` `+∞`), which is what lets a run reach margins of
//! thousands and the asymptotic direction (rate `≈ 1/log t`). The rule keeps no state, so a
//! run resumed from a checkpoint of `w` (and the executor's [`Resume`](crate::Resume)) is
//! bit-identical.

use crate::{DiagonalStep, NetworkProblem, OptimError, StepReport, StepRule};
use ndarray::Array1;
use ngd_models::Network;

/// The step-size rule of EGD on any model (the same rule as the diagonal networks').
pub type EgdStep = DiagonalStep;

/// Full-batch EGD on the flat parameters of any network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkEgd {
    step: EgdStep,
}

impl NetworkEgd {
    /// A rule with step-size rule `step`.
    ///
    /// # Errors
    /// [`OptimError::Invalid`] unless the base step is finite and positive.
    pub fn new(step: EgdStep) -> Result<Self, OptimError> {
        step.validate()?;
        Ok(Self { step })
    }

    /// The step-size rule.
    pub fn step_rule(&self) -> EgdStep {
        self.step
    }
}

impl<N: Network> StepRule<Array1<f64>, NetworkProblem<N>> for NetworkEgd {
    /// One step; the parameters are left unchanged when the loss or the gradient is not
    /// finite (the executor then reports divergence with the last finite iterate intact).
    fn step(
        &mut self,
        w: &mut Array1<f64>,
        problem: &NetworkProblem<N>,
    ) -> Result<StepReport, OptimError> {
        let (loss, gradient_norm, step_size) = match self.step {
            EgdStep::Fixed(eta) => {
                let (loss, gradient) = problem.loss_and_gradient(w.view())?;
                let norm = gradient.dot(&gradient).sqrt();
                if loss.is_finite() && norm.is_finite() {
                    w.scaled_add(-eta, &gradient);
                }
                (loss, norm, eta)
            }
            EgdStep::LossNormalized(eta) => {
                let (loss, direction) = problem.loss_and_normalized_gradient(w.view())?;
                let norm = direction.dot(&direction).sqrt();
                if loss.is_finite() && norm.is_finite() {
                    w.scaled_add(-eta, &direction);
                }
                (loss, loss * norm, eta / loss)
            }
        };
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size,
            info: None,
        })
    }
}
