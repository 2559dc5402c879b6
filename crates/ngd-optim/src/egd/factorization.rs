//! EGD for deep matrix factorizations `β = W_1 ⋯ W_L` on the squared loss over observed
//! entries, `L = ½ Σ_Ω (β − M)²`.
//!
//! The gradient is `∇_{W_i} L = A_iᵀ G B_iᵀ` with `G = P_Ω(β − M)`, `A_i = W_1 ⋯ W_{i−1}`,
//! `B_i = W_{i+1} ⋯ W_L` (the paper's App. B.4). Its norm is taken over all factors:
//! `‖∇‖ = (Σ_i ‖∇_{W_i} L‖_F²)^{1/2}`.
//!
//! The step runs on the observed entries only ([`CompletionGradient`]): `β` is sampled on `Ω`
//! (`m·D` flops) and the products with the sparse `G` cost `m·D` each, leaving `3(L − 2)` dense
//! `D × D` products per step (none for `L ≤ 2`) instead of `4L − 2`; all buffers live in the
//! rule, so a step allocates nothing once the shapes are known. The values equal the dense
//! formulation's up to round-off.

use crate::{CompletionProblem, OptimError, StepReport, StepRule};
use ngd_models::{CompletionGradient, MatrixFactorization, ModelError};

/// The step size of factorization EGD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactorizationStep {
    /// A constant step `η_t = η`.
    Fixed(f64),
    /// Arora et al.'s normalized step: `lr` divided by a running RMS of the total gradient
    /// norm `g_t = ‖∇L(w_t)‖` (an Adam-like second moment of the scalar `g_t`):
    ///
    /// `v_t = ρ v_{t−1} + (1 − ρ) g_t²` (`v_0 = 0`), `v̂_t = v_t / (1 − ρ^t)`,
    /// `η_t = lr / √v̂_t`,
    ///
    /// with decay `ρ` ([`FactorizationStep::DEFAULT_DECAY`] = 0.999, Adam's second-moment
    /// constant). The bias correction makes the first step a normalized gradient step,
    /// `η_1 = lr / g_1`. A step with `v̂_t = 0` (zero gradient) moves nothing.
    Normalized {
        /// The learning rate `lr`.
        lr: f64,
        /// The decay `ρ ∈ (0, 1)` of the running second moment.
        decay: f64,
    },
}

impl FactorizationStep {
    /// The default decay `ρ = 0.999` of the normalized step.
    pub const DEFAULT_DECAY: f64 = 0.999;

    /// The normalized step with learning rate `lr` and the default decay.
    pub fn normalized(lr: f64) -> Self {
        Self::Normalized {
            lr,
            decay: Self::DEFAULT_DECAY,
        }
    }

    fn validate(&self) -> Result<(), OptimError> {
        let (eta, decay) = match *self {
            Self::Fixed(eta) => (eta, 0.5),
            Self::Normalized { lr, decay } => (lr, decay),
        };
        if !(eta.is_finite() && eta > 0.0) {
            return Err(OptimError::Invalid {
                what: "EGD step size η",
                value: eta.to_string(),
                allowed: "finite and positive",
            });
        }
        if !(decay > 0.0 && decay < 1.0) {
            return Err(OptimError::Invalid {
                what: "second-moment decay ρ",
                value: decay.to_string(),
                allowed: "0 < ρ < 1",
            });
        }
        Ok(())
    }
}

/// The state of the normalized step: save it with the model to resume bit-identically.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NormalizedState {
    /// The running second moment `v_t`.
    pub second_moment: f64,
    /// `ρ^t`, kept as a running product (exact for any `t`).
    pub decay_power: f64,
}

/// Full-batch EGD for a [`MatrixFactorization`] on a [`CompletionProblem`].
#[derive(Debug, Clone)]
pub struct FactorizationEgd {
    step: FactorizationStep,
    state: NormalizedState,
    /// Boxed: the buffers make the rule large, and rules are moved around in enums.
    workspace: Box<CompletionGradient>,
}

impl FactorizationEgd {
    /// A rule with step-size rule `step` and a fresh state (`v_0 = 0`, `ρ^0 = 1`).
    ///
    /// # Errors
    ///
    /// [`OptimError::Invalid`] if `η` (or `lr`) is not finite and positive, or the decay is not
    /// in `(0, 1)`.
    pub fn new(step: FactorizationStep) -> Result<Self, OptimError> {
        step.validate()?;
        Ok(Self {
            step,
            state: NormalizedState {
                second_moment: 0.0,
                decay_power: 1.0,
            },
            workspace: Box::new(CompletionGradient::new()),
        })
    }

    /// The state of the normalized step (unused by the fixed step).
    pub fn state(&self) -> NormalizedState {
        self.state
    }

    /// Restores a state saved with [`FactorizationEgd::state`].
    pub fn set_state(&mut self, state: NormalizedState) {
        self.state = state;
    }

    /// The step `η_t` for the gradient norm `g_t`, updating the running moment.
    fn next_step_size(&mut self, gradient_norm: f64) -> f64 {
        match self.step {
            FactorizationStep::Fixed(eta) => eta,
            FactorizationStep::Normalized { lr, decay } => {
                let s = &mut self.state;
                s.second_moment =
                    decay * s.second_moment + (1.0 - decay) * gradient_norm * gradient_norm;
                s.decay_power *= decay;
                let corrected = s.second_moment / (1.0 - s.decay_power);
                if corrected > 0.0 {
                    lr / corrected.sqrt()
                } else {
                    0.0
                }
            }
        }
    }
}

impl StepRule<MatrixFactorization, CompletionProblem> for FactorizationEgd {
    fn step(
        &mut self,
        model: &mut MatrixFactorization,
        problem: &CompletionProblem,
    ) -> Result<StepReport, OptimError> {
        let ws = &mut self.workspace;
        let loss = match ws.evaluate(model.factors(), problem.target(), problem.mask()) {
            Ok(loss) => loss,
            Err(ModelError::NonFinite { .. }) => f64::NAN,
            Err(other) => return Err(other.into()),
        };
        let gradient_norm = if loss.is_finite() {
            ws.compute_gradients(model.factors())?;
            ws.gradient_norm()
        } else {
            f64::NAN
        };
        if !(loss.is_finite() && gradient_norm.is_finite()) {
            return Ok(StepReport {
                loss,
                gradient_norm,
                step_size: 0.0,
                info: None,
            });
        }
        let step_size = self.next_step_size(gradient_norm);
        for (i, w) in model.factors_mut().iter_mut().enumerate() {
            w.scaled_add(-step_size, &self.workspace.gradient(i));
        }
        Ok(StepReport {
            loss,
            gradient_norm,
            step_size,
            info: None,
        })
    }
}
